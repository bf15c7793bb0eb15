// A broker's handler registry without a network server, for tests that feed it frames
// directly: metadata in memory, logs in `dir`, the group coordinator, and a topic `a` with two
// partitions.
import {
  createHandlerRegistry,
  type BrokerContext,
  type HandlerRegistry,
} from '../../../src/broker/index.js';
import { resolveBrokerConfig } from '../../../src/broker/config/index.js';
import { silentLogger } from '../../../src/broker/logger.js';
import {
  Session,
  type RequestContext,
  type RequestPipeline,
} from '../../../src/broker/server/index.js';
import { openDataPlane, type DataPlane } from '../../../src/broker/data-plane.js';
import { openGroupCoordinator, type GroupCoordinator } from '../../../src/broker/group/index.js';
import {
  TxnMarkerChannel,
  openTransactionCoordinator,
  type TxnMarkerTarget,
  type TransactionCoordinator,
} from '../../../src/broker/txn/index.js';
import { ClusterMetadata, MemoryMetadataLogStore } from '../../../src/metadata/index.js';
import type { ErrorName } from '../../../src/protocol/errors.js';
import { systemEnvironment } from '../../../src/util/index.js';

export interface InProcessBroker {
  registry: HandlerRegistry;
  data: DataPlane;
  groups: GroupCoordinator;
  transactions: TransactionCoordinator;
  metadata: ClusterMetadata;
  /** Topic id of `a`. */
  topicId: string;
  close(): Promise<void>;
}

export async function openInProcessBroker(
  dir: string,
  options: {
    config?: Record<string, string>;
    /** The metadata log, to reopen a broker over the same `dir` (a restart). */
    store?: MemoryMetadataLogStore;
    /** A fault for markers to some partitions: the error their append gets instead. */
    markerFault?: (topic: string, partition: number) => ErrorName | null;
    /** The request pipeline (authorizer, quotas, metrics); default: allow all, no quotas. */
    pipeline?: RequestPipeline;
  } = {},
): Promise<InProcessBroker> {
  const props = new Map([['log.dirs', dir], ...Object.entries(options.config ?? {})]);
  const config = resolveBrokerConfig(props).config!;
  const store = options.store ?? new MemoryMetadataLogStore();
  const metadata = await ClusterMetadata.open({ store, nodeId: 1 });
  const listener = { name: 'PLAINTEXT', host: '127.0.0.1', port: 9092 };
  await metadata.registerBroker([listener], new Map());
  const environment = systemEnvironment();
  const ready: { transactions?: TransactionCoordinator } = {};
  const data = await openDataPlane(config, {
    logDirs: [dir],
    environment,
    metadata,
    logger: silentLogger,
    verifyTransaction: (id, epoch, topic, partition) =>
      ready.transactions === undefined
        ? 'INVALID_TXN_STATE'
        : ready.transactions.state.verifyProduce(id, epoch, topic, partition),
  });
  const fault = options.markerFault;
  const markerTarget: TxnMarkerTarget =
    fault === undefined
      ? data.replicas
      : {
          writeTxnMarker: (topic, partition, marker) => {
            const error = fault(topic, partition);
            return error === null
              ? data.replicas.writeTxnMarker(topic, partition, marker)
              : Promise.resolve({ error });
          },
        };
  const txnMarkers = new TxnMarkerChannel(markerTarget, silentLogger);
  const groups = await openGroupCoordinator({
    config,
    metadata,
    logger: silentLogger,
    replicas: data.replicas,
    txnMarkers,
    environment,
  });
  const txn = await openTransactionCoordinator({
    config,
    metadata,
    replicas: data.replicas,
    logger: silentLogger,
    markers: txnMarkers,
    environment,
  });
  const transactions = (ready.transactions = txn.coordinator);
  const existing = metadata.image.topic('a');
  const [created] =
    existing === undefined
      ? await metadata.createTopics([{ name: 'a', numPartitions: 2, replicationFactor: 1 }])
      : [{ topic: existing }];
  const context: BrokerContext = {
    config,
    logger: silentLogger,
    environment,
    advertisedListeners: () => [listener],
    logDirs: [dir],
    clusterId: 'AAAAAAAAAAAAAAAAAAAAAA',
    metadata,
    replicas: data.replicas,
    groups,
    transactions,
    txnMarkers,
  };
  return {
    registry: createHandlerRegistry(context, undefined, options.pipeline),
    data,
    groups,
    transactions,
    metadata,
    topicId: created!.topic!.topicId,
    close: async () => {
      await txn.close();
      groups.close();
      await data.close();
      await metadata.close();
    },
  };
}

/** The session of the connection frames fed to `registry.dispatch` pretend to come from. */
export function testSession(): Session {
  return new Session({
    connectionId: 1,
    listenerName: 'PLAINTEXT',
    securityProtocol: 'PLAINTEXT',
    clientHost: '127.0.0.1',
    clientPort: 1,
  });
}

/** The request context of a frame fed to `registry.dispatch`. */
export function dispatchContext(
  apiKey: number,
  apiVersion: number,
  session: Session = testSession(),
): RequestContext {
  return { apiKey, apiVersion, correlationId: 7, session, throttleTimeMs: 0 };
}

/** A small seeded generator, so fuzz runs repeat exactly. */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x9e3779b9) >>> 0;
    return s / 2 ** 32;
  };
}
