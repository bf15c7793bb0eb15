// What authorization and client quotas cost a Produce request, measured in the same run:
// three brokers take the same requests through their handler registry's dispatch (decode,
// authorize, quota, handler with CRC-32C validation and the append, encode), without the
// network: a broker with the pipeline's old defaults passed explicitly (no authorizer, no quota
// manager: the baseline), the default broker (allow-all, a quota manager with no quotas), one with Kafka's StandardAuthorizer and
// a literal WRITE ACL for the producing principal among 1,000 others, and that one with client
// quotas set for other clients (so every request is also charged to the quota manager's
// lookup). Ratios are requests per CPU second against the baseline (1.00: no cost).
// Requests: v9, 8 partitions × one batch of 16 × 1 KiB records, acks=1, 5 in flight.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  HANDLER_FACTORIES,
  type BrokerContext,
  type HandlerFactory,
  type HandlerRegistry,
} from '../../../src/broker/index.js';
import {
  Session,
  allowAllAuthorizer,
  noQuotas,
  type RequestContext,
} from '../../../src/broker/server/index.js';
import { startBroker, type Broker, type StartBrokerOptions } from '../../../src/index.js';
import { ProtocolClient } from '../../../test/support/protocol-client.js';
import { PRODUCE_VERSION, produceLoadRequest } from '../support/produce-load.js';

const PARTITIONS = 8;
const REQUESTS = Number(process.env.AUTHORIZER_BENCH_REQUESTS ?? 2000);
const ROUNDS = Number(process.env.AUTHORIZER_BENCH_ROUNDS ?? 5);
const IN_FLIGHT = 5;
const TOPIC = 'bench';

interface Subject {
  name: string;
  broker: Broker;
  registry: HandlerRegistry;
  context: BrokerContext;
}

const parent = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
const dirs: string[] = [];

async function open(name: string, options: Partial<StartBrokerOptions>): Promise<Subject> {
  let registry: HandlerRegistry | undefined;
  let context: BrokerContext | undefined;
  const handlers: HandlerFactory[] = HANDLER_FACTORIES.map((factory) => (broker, reg) => {
    registry = reg;
    context = broker;
    return factory(broker, reg);
  });
  const dataDir = await mkdtemp(join(parent, 'rivulet-authz-bench-'));
  dirs.push(dataDir);
  const broker = await startBroker({ port: 0, dataDir, handlers, ...options });
  await context!.metadata.createTopics([
    { name: TOPIC, numPartitions: PARTITIONS, replicationFactor: 1 },
  ]);
  return { name, broker, registry: registry!, context: context! };
}

const SECURE = {
  config: {
    'authorizer.class.name': 'org.apache.kafka.metadata.authorizer.StandardAuthorizer',
    'super.users': 'User:admin',
  },
  principalBuilder: (s: Session) => (s.clientId === 'admin' ? 'User:admin' : 'User:producer'),
};

/** 1,000 other ACLs, then the producer's WRITE on the topic; quotas for other clients. */
async function secure(subject: Subject, quotas: boolean): Promise<void> {
  const admin = await ProtocolClient.connect(subject.broker.port, { clientId: 'admin' });
  const acl = (name: string, principal: string) => ({
    resourceType: 2,
    resourceName: name,
    resourcePatternType: 3,
    principal,
    host: '*',
    operation: 4,
    permissionType: 3,
  });
  const others = Array.from({ length: 1000 }, (_, i) => acl(`other-${i}`, `User:u${i}`));
  await admin.request(30, 3, { creations: [...others, acl(TOPIC, 'User:producer')] });
  if (quotas) {
    await admin.request(49, 1, {
      validateOnly: false,
      entries: Array.from({ length: 100 }, (_, i) => ({
        entity: [{ entityType: 'client-id', entityName: `other-${i}` }],
        ops: [{ key: 'producer_byte_rate', value: 1048576, remove: false }],
      })),
    });
  }
  admin.close();
}

/** CPU microseconds per request over REQUESTS requests, IN_FLIGHT at a time. */
async function measure(subject: Subject): Promise<number> {
  const { frame } = produceLoadRequest({
    topic: TOPIC,
    partitions: PARTITIONS,
    recordBytes: 1024,
    recordsPerBatch: 16,
    acks: 1,
  });
  const session = new Session({
    connectionId: 1,
    listenerName: 'PLAINTEXT',
    securityProtocol: 'PLAINTEXT',
    clientHost: '127.0.0.1',
    clientPort: 50000,
  });
  const ctx = (correlationId: number): RequestContext => ({
    apiKey: 0,
    apiVersion: PRODUCE_VERSION,
    correlationId,
    session,
    throttleTimeMs: 0,
  });
  const window: Promise<unknown>[] = [];
  const cpuStart = process.cpuUsage();
  for (let i = 0; i < REQUESTS; i++) {
    if (window.length === IN_FLIGHT) await window.shift();
    window.push(subject.registry.dispatch(ctx(i), Buffer.from(frame)));
  }
  await Promise.all(window);
  const cpu = process.cpuUsage(cpuStart);
  return (cpu.user + cpu.system) / REQUESTS;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const subjects = [
  // The pipeline as it was before authorization and quotas were wired in.
  await open('no authorizer, no quota manager', {
    authorizer: allowAllAuthorizer,
    quotas: noQuotas,
  }),
  await open('allow-all default (no authorizer, no quotas set)', {}),
  await open('StandardAuthorizer, 1,001 ACLs', SECURE),
  await open('StandardAuthorizer + client quotas of others', SECURE),
];
await secure(subjects[2]!, false);
await secure(subjects[3]!, true);
const samples = subjects.map(() => [] as number[]);
// A warm-up round for each (the code is compiled by then), not counted.
for (const s of subjects) await measure(s);
for (let round = 0; round < ROUNDS; round++) {
  // Interleaved, starting with a different subject each round, so drift on a shared machine
  // and the order itself touch every subject alike.
  for (let k = 0; k < subjects.length; k++) {
    const i = (round + k) % subjects.length;
    samples[i]!.push(await measure(subjects[i]!));
  }
}
const base = median(samples[0]!);
for (const [i, s] of subjects.entries()) {
  const us = median(samples[i]!);
  console.log(
    `${s.name.padEnd(50)} ${us.toFixed(1).padStart(7)} µs CPU/request  ${(base / us).toFixed(2)}x`,
  );
}
for (const s of subjects) await s.broker.close();
await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
