// Several brokers in this process, each with its own data dir and its own listener (real TCP
// between them), sharing one in-memory metadata log: each broker has its own connection to it,
// as each will have its own etcd client. An observer ClusterMetadata reads the image (ISR,
// leaders) the way any broker sees it, and `changePartition` appends a PartitionChangeRecord
// as the controller would (a leader move). Brokers can be stopped and started again on their
// data dir.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBroker, type Broker } from '../../../../src/index.js';
import {
  ClusterMetadata,
  MemoryMetadataLogStore,
  MetadataRecordType,
  encodeMetadataBatch,
  type PartitionImage,
} from '../../../../src/metadata/index.js';
import { waitFor } from '../../../support/wait.js';

export interface InProcessCluster {
  store: MemoryMetadataLogStore;
  observer: ClusterMetadata;
  /** By node id; undefined while stopped. */
  brokers: Map<number, Broker>;
  dirs: Map<number, string>;
  bootstrap(): string;
  start(nodeId: number): Promise<Broker>;
  stop(nodeId: number): Promise<void>;
  partition(topic: string, partition: number): PartitionImage;
  changePartition(
    topic: string,
    partition: number,
    change: { leader?: number; isr?: number[] },
  ): Promise<void>;
  /** The bytes of every segment of a partition on one broker, in order. */
  logBytes(nodeId: number, topic: string, partition: number): Promise<Buffer>;
  close(): Promise<void>;
}

export async function startInProcessCluster(
  count: number,
  config: Record<string, string | number | boolean> = {},
): Promise<InProcessCluster> {
  const store = new MemoryMetadataLogStore();
  const root = await mkdtemp(join(tmpdir(), 'rivulet-cluster-'));
  const brokers = new Map<number, Broker>();
  const dirs = new Map<number, string>();
  for (let id = 1; id <= count; id++) dirs.set(id, join(root, `broker-${id}`));
  const start = async (nodeId: number): Promise<Broker> => {
    const broker = await startBroker({
      port: 0,
      dataDir: dirs.get(nodeId)!,
      metadataStore: store.connect(),
      config: { 'node.id': nodeId, ...config },
    });
    brokers.set(nodeId, broker);
    return broker;
  };
  for (let id = 1; id <= count; id++) await start(id);
  const observer = await ClusterMetadata.open({ store: store.connect(), nodeId: 1000 });
  await waitFor('every broker registered', () => observer.liveBrokerIds().length === count);
  const partition = (topic: string, index: number): PartitionImage => {
    const p = observer.image.topic(topic)?.partitions[index];
    if (p === undefined) throw new Error(`no partition ${topic}-${index}`);
    return p;
  };
  return {
    store,
    observer,
    brokers,
    dirs,
    bootstrap: () => [...brokers.values()].map((b) => b.bootstrap).join(','),
    start,
    stop: async (nodeId) => {
      const broker = brokers.get(nodeId);
      brokers.delete(nodeId);
      await broker?.close();
    },
    partition,
    changePartition: async (topic, index, change) => {
      const t = observer.image.topic(topic)!;
      const record = {
        type: MetadataRecordType.PartitionChange,
        value: {
          partitionId: index,
          topicId: t.topicId,
          isr: change.isr ?? null,
          leader: change.leader ?? -2,
          replicas: null,
          removingReplicas: null,
          addingReplicas: null,
          leaderRecoveryState: -1,
          directories: null,
          eligibleLeaderReplicas: null,
          lastKnownElr: null,
        },
      } as const;
      const before = partition(topic, index).partitionEpoch;
      await store.append(encodeMetadataBatch([record], Date.now()));
      await waitFor(
        'the partition change replayed',
        () => partition(topic, index).partitionEpoch > before,
      );
    },
    logBytes: async (nodeId, topic, index) => {
      const dir = join(dirs.get(nodeId)!, `${topic}-${index}`);
      const names = (await readdir(dir)).filter((n) => n.endsWith('.log')).sort();
      return Buffer.concat(await Promise.all(names.map((n) => readFile(join(dir, n)))));
    },
    close: async () => {
      await Promise.all([...brokers.values()].map((b) => b.close()));
      brokers.clear();
      await observer.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}
