// A schema registry instance: the KafkaStore replayed into the state, Confluent's REST API on
// the shared HTTP layer, and the leader election that decides who writes. Reads are served
// by every instance from its replayed state; writes go to the elected leader, forwarded over
// HTTP by the others, so one instance assigns every id.
import { HttpResponse, HttpServer, type HttpRequest } from '../http/index.js';
import type { ClusterOptions } from '../client/index.js';
import { KafkaStore } from './kafka-store.js';
import { LeaderElection, type MemberIdentity } from './leader-election.js';
import * as errors from './registry-errors.js';
import { registryRoutes, SCHEMA_REGISTRY_MEDIA_TYPE } from './registry-routes.js';
import { SchemaRegistry } from './schema-registry.js';

export interface RegistryServerOptions extends ClusterOptions {
  /** The address to listen on (127.0.0.1 unless given). */
  host?: string;
  /** The port (8081 in the CLI; 0 takes a free one). */
  port?: number;
  /** host.name: the name other instances reach this one by. */
  hostName?: string;
  /** listeners: the URL other instances forward writes to, when not http://host.name:port. */
  listener?: string;
  /** leader.eligibility (default true). */
  leaderEligibility?: boolean;
  /** schema.registry.group.id (default schema-registry). */
  groupId?: string;
  /** kafkastore.topic (default _schemas). */
  topic?: string;
  /** kafkastore.topic.replication.factor */
  replicationFactor?: number;
  /** kafkastore.timeout.ms */
  storeTimeoutMs?: number;
  /** schema.compatibility.level (default BACKWARD). */
  compatibilityLevel?: string;
  /** How long an election may take before a write is refused with 50004. */
  electionTimeoutMs?: number;
}

export interface RegistryServer {
  readonly url: string;
  readonly registry: SchemaRegistry;
  /** Whether this instance is the elected writer now. */
  isLeader(): boolean;
  close(): Promise<void>;
}

const MEDIA_TYPES = [
  SCHEMA_REGISTRY_MEDIA_TYPE,
  'application/vnd.schemaregistry+json',
  'application/octet-stream',
];

export async function startSchemaRegistry(options: RegistryServerOptions): Promise<RegistryServer> {
  const registry = new SchemaRegistry({ compatibilityLevel: options.compatibilityLevel });
  const store = new KafkaStore(
    {
      ...options,
      ...(options.topic === undefined ? {} : { topic: options.topic }),
      ...(options.storeTimeoutMs === undefined ? {} : { timeoutMs: options.storeTimeoutMs }),
    },
    (record) => registry.state.apply(record),
  );
  registry.attach(store);
  await store.start();
  let leader: MemberIdentity | null = null;
  let leading = false;
  let elected: () => void = () => undefined;
  const firstElection = new Promise<void>((resolve) => (elected = resolve));
  const http = new HttpServer({
    jsonContentTypes: MEDIA_TYPES,
    responseContentType: SCHEMA_REGISTRY_MEDIA_TYPE,
  });
  for (const route of registryRoutes({
    registry,
    kafkaClusterId: () => store.clusterId(),
    forward: async (request) => {
      await within(firstElection, options.electionTimeoutMs ?? 30_000);
      if (leading) return null;
      if (leader === null) throw errors.unknownLeader('Request failed since leader is unknown');
      return forward(leader.url, request);
    },
  }))
    http.route(route);
  let listening: { url: string; host: string; port: number };
  try {
    listening = await http.listen({
      host: options.host ?? '127.0.0.1',
      port: options.port ?? 8081,
    });
  } catch (err) {
    await store.close();
    throw err;
  }
  const self: MemberIdentity = {
    url:
      options.listener ??
      (options.hostName === undefined
        ? listening.url
        : `http://${options.hostName}:${listening.port}`),
    leaderEligibility: options.leaderEligibility ?? true,
  };
  const election = new LeaderElection(
    self,
    { ...options, ...(options.groupId === undefined ? {} : { groupId: options.groupId }) },
    async (now) => {
      if (now !== null && now.url === self.url && !leading) {
        // A new leader first reads everything the old one wrote, so its next id is fresh.
        await registry.exclusive(() => store.write({ keytype: 'NOOP', magic: 0 }, null));
      }
      leader = now;
      leading = now !== null && now.url === self.url;
      if (now !== null) elected();
    },
  );
  election.start();
  return {
    url: listening.url,
    registry,
    isLeader: () => leading,
    async close() {
      await http.close();
      await election.close();
      await store.close();
    },
  };
}

async function within(promise: Promise<void>, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
  await Promise.race([promise, timeout]);
  clearTimeout(timer);
}

/** Sends a write to the leader and answers what it answered. */
async function forward(leaderUrl: string, request: HttpRequest): Promise<HttpResponse> {
  try {
    const response = await fetch(new URL(request.url, leaderUrl), {
      method: request.method,
      headers: { 'content-type': SCHEMA_REGISTRY_MEDIA_TYPE, accept: SCHEMA_REGISTRY_MEDIA_TYPE },
      ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
    });
    const text = await response.text();
    const body: unknown = text === '' ? undefined : JSON.parse(text);
    return new HttpResponse(response.status, body, { 'content-type': SCHEMA_REGISTRY_MEDIA_TYPE });
  } catch (err) {
    throw errors.forwardingError(
      `Error while forwarding the request to the leader: ${(err as Error).message}`,
    );
  }
}
