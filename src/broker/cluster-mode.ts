// What changes when `metadata.etcd.endpoints` is set: the metadata log lives in etcd instead of
// `__cluster_metadata-0`, the cluster id is the one stored in etcd (the first broker makes it),
// and a ClusterMember registers the broker, runs the controller election and, while active,
// the controller. While etcd cannot be reached the start waits, saying so at ERROR level with
// the endpoints, and retries with back-off: brokers may start before etcd.
import { readFile } from 'node:fs/promises';
import type { Etcd3 } from 'etcd3';
import {
  EtcdMetadataLogStore,
  connectEtcd,
  type EtcdConnectionOptions,
  newKafkaId,
  parseEtcdEndpoints,
} from '../metadata/index.js';
import type { Environment } from '../util/index.js';
import type { BrokerConfig } from './config/index.js';
import type { Logger } from './logger.js';

export interface ClusterConnection {
  client: Etcd3;
  store: EtcdMetadataLogStore;
  endpoints: string[];
  prefix: string;
  clusterId: string;
}

/** The etcd endpoints of a broker in cluster mode; null on a single node. */
export function etcdEndpointsOf(config: BrokerConfig): string[] | null {
  const value = config.values['metadata.etcd.endpoints'];
  if (value === null || value.length === 0) return null;
  return parseEtcdEndpoints(value.join(','));
}

/** Connects to etcd and reads (or, the first time, makes) the cluster id, retrying meanwhile. */
export async function connectCluster(
  config: BrokerConfig,
  options: { environment: Environment; logger: Logger; isClosed?: () => boolean },
): Promise<ClusterConnection> {
  const endpoints = etcdEndpointsOf(config)!;
  const prefix = config.values['metadata.etcd.prefix'].replace(/\/+$/, '');
  const { logger, environment } = options;
  const client = connectEtcd({ endpoints, ...(await etcdSecurityOf(config)) });
  const store = new EtcdMetadataLogStore({
    client,
    prefix,
    onUnavailable: (err, attempt) =>
      logger.error(
        `cannot read the metadata log from etcd at ${endpoints.join(',')} (attempt ${attempt}): ${describe(err)}`,
      ),
  });
  const clusterId = await retryEtcd('read the cluster id', { endpoints, logger }, () =>
    ensureClusterId(client, prefix, () => newKafkaId((n) => environment.random.bytes(n))),
  );
  return { client, store, endpoints, prefix, clusterId };
}

/**
 * TLS and authentication towards etcd from the `metadata.etcd.*` keys; a file that cannot be
 * read fails the start naming its key.
 */
async function etcdSecurityOf(
  config: BrokerConfig,
): Promise<Pick<EtcdConnectionOptions, 'tls' | 'auth'>> {
  const v = config.values;
  const read = async (key: keyof typeof v) => {
    const path = v[key] as string | null;
    if (path === null) return undefined;
    try {
      return await readFile(path);
    } catch (err) {
      throw new Error(`${String(key)}=${path}: ${(err as Error).message}`);
    }
  };
  const ca = await read('metadata.etcd.ssl.ca.location');
  const cert = await read('metadata.etcd.ssl.certificate.location');
  const key = await read('metadata.etcd.ssl.key.location');
  if ((cert === undefined) !== (key === undefined)) {
    throw new Error(
      'metadata.etcd.ssl.certificate.location and metadata.etcd.ssl.key.location go together',
    );
  }
  if (ca === undefined && cert !== undefined) {
    throw new Error('a client certificate for etcd needs metadata.etcd.ssl.ca.location');
  }
  const username = v['metadata.etcd.username'];
  const password = v['metadata.etcd.password'];
  if ((username === null) !== (password === null)) {
    throw new Error('metadata.etcd.username and metadata.etcd.password go together');
  }
  return {
    ...(ca === undefined ? {} : { tls: { ca, cert, key } }),
    ...(username === null ? {} : { auth: { username, password: String(password) } }),
  };
}

/** Runs `op` until etcd answers it, logging each failure with the endpoints. */
export async function retryEtcd<T>(
  what: string,
  options: { endpoints: readonly string[]; logger: Logger },
  op: () => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await op();
    } catch (err) {
      const delayMs = Math.min(5000, 250 * 2 ** Math.min(attempt - 1, 5));
      options.logger.error(
        `cannot ${what}: etcd at ${options.endpoints.join(',')} is not reachable (${describe(err)}); retrying in ${delayMs} ms`,
      );
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}

async function ensureClusterId(
  client: Etcd3,
  prefix: string,
  newId: () => string,
): Promise<string> {
  const key = `${prefix}/cluster-id`;
  const res = await client
    .if(key, 'Create', '==', 0)
    .then(client.put(key).value(newId()))
    .else(client.get(key))
    .commit();
  if (!res.succeeded) {
    const kv = (res.responses[0] as { response_range?: { kvs: { value: Buffer }[] } })
      .response_range?.kvs[0];
    if (kv !== undefined) return kv.value.toString();
  }
  const stored = await client.get(key).string();
  if (stored === null) throw new Error(`${key} vanished`);
  return stored;
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
