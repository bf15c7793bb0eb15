// Two controllers, each with its own follower and its own connection to one in-memory metadata
// log: what a cluster on etcd will be, simulated. Each image changes only through the watch, conflicting
// appends are built again against the newer image, and nothing is lost.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ClusterMetadata,
  ConfigResourceType,
  MAX_COMMIT_ATTEMPTS,
  MemoryMetadataLogStore,
  MetadataRecordType,
  encodeMetadataBatch,
  type MetadataAppendOptions,
  type MetadataChange,
  type PartitionPreparer,
  type TopicImage,
} from '../../src/metadata/index.js';
import { ErrorCode } from '../../src/protocol/index.js';

function uuids(nodeId: number): () => string {
  let n = 0;
  return () => `00000000-0000-4000-800${nodeId}-${String(++n).padStart(12, '0')}`;
}

async function node(store: MemoryMetadataLogStore, nodeId: number): Promise<ClusterMetadata> {
  const metadata = await ClusterMetadata.open({
    store,
    nodeId,
    randomUuid: uuids(nodeId),
    clock: () => 0,
  });
  await metadata.registerBroker(
    [{ name: 'PLAINTEXT', host: '127.0.0.1', port: 9090 + nodeId }],
    new Map([['metadata.version', 25]]),
  );
  return metadata;
}

/** Counts the conflicts the store answers, so a test can show the retry path ran. */
function countConflicts(store: MemoryMetadataLogStore): { count: number } {
  const conflicts = { count: 0 };
  const append = store.append.bind(store);
  store.append = async (batch: Buffer, options?: MetadataAppendOptions) => {
    const result = await append(batch, options);
    if (result.type === 'conflict') conflicts.count++;
    return result;
  };
  return conflicts;
}

/** A batch from a writer the controllers do not know about (another controller's config). */
function foreignBatch(tag: string): Buffer {
  return encodeMetadataBatch(
    [
      {
        type: MetadataRecordType.Config,
        value: { resourceType: ConfigResourceType.Broker, resourceName: '', name: tag, value: '1' },
      },
    ],
    0,
  );
}

/** Waits until `metadata`'s image has applied everything the store holds. */
async function caughtUp(metadata: ClusterMetadata, store: MemoryMetadataLogStore): Promise<void> {
  await metadata.follower.waitFor(store.logEndOffset - 1);
}

test("an operation on one controller reaches the other's image and subscribers through the watch", async () => {
  const store = new MemoryMetadataLogStore();
  const a = await node(store, 1);
  const b = await node(store.connect(), 2);
  const heard = new Promise<MetadataChange>((resolve) => b.subscribe(resolve));
  const [created] = await a.createTopics([
    { name: 'orders', numPartitions: 3, replicationFactor: 2 },
  ]);
  assert.equal(created!.errorCode, ErrorCode.NONE);
  const change = await heard;
  assert.equal(change.type, 'topic-created');
  assert.deepEqual(b.image.topic('orders'), a.image.topic('orders'));
  await caughtUp(a, store);
  assert.deepEqual(a.liveBrokerIds().sort(), [1, 2]);
  assert.deepEqual(b.liveBrokerIds().sort(), [1, 2]);
  await a.close();
  await b.close();
});

test('concurrent operations on two controllers all commit once, and both images end the same', async () => {
  const store = new MemoryMetadataLogStore();
  const other = store.connect();
  const a = await node(store, 1);
  const b = await node(other, 2);
  const conflicts = [countConflicts(store), countConflicts(other)];
  const work: Promise<unknown>[] = [];
  const blocks: Promise<{ firstProducerId: bigint }>[] = [];
  for (let i = 0; i < 10; i++) {
    work.push(a.createTopics([{ name: `a${i}`, numPartitions: 2, replicationFactor: 1 }]));
    work.push(b.createTopics([{ name: `b${i}`, numPartitions: 1, replicationFactor: 2 }]));
    blocks.push(a.allocateProducerIdBlock(), b.allocateProducerIdBlock());
  }
  // Both ask for the same new topic: exactly one wins, the other sees it once caught up.
  const same = [
    a.createTopics([{ name: 'same', numPartitions: 1, replicationFactor: 1 }]),
    b.createTopics([{ name: 'same', numPartitions: 1, replicationFactor: 1 }]),
  ];
  const results = (await Promise.all(work)) as { errorCode: number }[][];
  assert.ok(results.every(([r]) => r!.errorCode === ErrorCode.NONE));
  const sameCodes = (await Promise.all(same)).map(([r]) => r!.errorCode).sort();
  assert.deepEqual(sameCodes, [ErrorCode.NONE, ErrorCode.TOPIC_ALREADY_EXISTS]);
  const firstIds = (await Promise.all(blocks)).map((block) => block.firstProducerId);
  assert.equal(new Set(firstIds).size, firstIds.length, 'no producer id block handed out twice');
  for (const [i, c] of conflicts.entries()) {
    assert.ok(c.count > 0, `controller ${i + 1} lost a race for an offset and retried`);
  }

  await caughtUp(a, store);
  await caughtUp(b, store);
  const names = (m: ClusterMetadata) => m.image.topics().map((t) => t.name);
  assert.equal(names(a).length, 21);
  assert.deepEqual(a.image.topics(), b.image.topics());
  assert.equal(a.image.lastOffset, b.image.lastOffset);
  assert.equal(a.image.nextProducerId, b.image.nextProducerId);
  // A third node replaying the log from scratch builds the same image.
  const c = await ClusterMetadata.open({ store: store.connect(), nodeId: 3 });
  assert.deepEqual(c.image.topics(), a.image.topics());
  assert.equal(c.image.lastOffset, a.image.lastOffset);
  await Promise.all([a.close(), b.close(), c.close()]);
});

test('a node that closes leaves the others following; opened again it replays what it missed', async () => {
  const store = new MemoryMetadataLogStore();
  const a = await node(store, 1);
  const connection = store.connect();
  const b = await node(connection, 2);
  await b.close();
  await a.createTopics([{ name: 'while-away', numPartitions: 1, replicationFactor: 1 }]);
  assert.ok(a.image.topic('while-away'));
  const restarted = await ClusterMetadata.open({ store: connection, nodeId: 2 });
  assert.deepEqual(restarted.image.topics(), a.image.topics());
  const heard = new Promise<MetadataChange>((resolve) => restarted.subscribe(resolve));
  await a.deleteTopics([a.image.topic('while-away')!.topicId]);
  assert.equal((await heard).type, 'topic-deleted');
  assert.equal(restarted.image.topic('while-away'), undefined);
  await Promise.all([a.close(), restarted.close()]);
});

test('a conflict discards the prepared logs and prepares them again for the retry', async () => {
  const store = new MemoryMetadataLogStore();
  const a = await node(store, 1);
  const calls: string[] = [];
  const preparer: PartitionPreparer = {
    prepare: (topic: TopicImage, ids) => {
      calls.push(`prepare ${topic.name} ${ids.join(',')}`);
      return Promise.resolve(null);
    },
    discard: (topic: TopicImage, ids) => {
      calls.push(`discard ${topic.name} ${ids.join(',')}`);
      return Promise.resolve();
    },
  };
  a.prepareWith(preparer);
  // Another writer slips one batch in ahead of the first attempt.
  const append = store.append.bind(store);
  let slipIn = true;
  store.append = async (batch: Buffer, options?: MetadataAppendOptions) => {
    if (slipIn) {
      slipIn = false;
      await append(foreignBatch('background.threads'));
    }
    return append(batch, options);
  };
  const [created] = await a.createTopics([{ name: 't', numPartitions: 2, replicationFactor: 1 }]);
  assert.equal(created!.errorCode, ErrorCode.NONE);
  assert.deepEqual(calls, ['prepare t 0,1', 'discard t 0,1', 'prepare t 0,1']);
  assert.equal(a.image.brokerConfigs(null).get('background.threads'), '1');
  assert.equal(a.image.topic('t')!.partitions.length, 2);
  await a.close();
});

test('an operation that keeps losing the race fails after a bounded number of attempts', async () => {
  const store = new MemoryMetadataLogStore();
  const a = await node(store, 1);
  const append = store.append.bind(store);
  let foreign = 0;
  store.append = async (batch: Buffer, options?: MetadataAppendOptions) => {
    await append(foreignBatch(`x${++foreign}`));
    return append(batch, options);
  };
  await assert.rejects(a.allocateProducerIdBlock(), /another writer appended first/);
  assert.equal(foreign, MAX_COMMIT_ATTEMPTS);
  await caughtUp(a, store);
  assert.equal(a.image.brokerConfigs(null).size, MAX_COMMIT_ATTEMPTS);
  assert.equal(a.image.nextProducerId, 0n, 'the lost operation left nothing behind');
  await a.close();
});
