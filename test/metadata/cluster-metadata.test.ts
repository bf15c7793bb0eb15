import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ClusterMetadata,
  ConfigResourceType,
  MemoryMetadataLogStore,
  PRODUCER_ID_BLOCK_SIZE,
  type MetadataChange,
} from '../../src/metadata/index.js';
import { ErrorCode } from '../../src/protocol/index.js';
import { LogStorageError } from '../../src/storage/index.js';

let n = 0;
const uuid = () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`;

async function open(store = new MemoryMetadataLogStore()) {
  const metadata = await ClusterMetadata.open({
    store,
    nodeId: 1,
    randomUuid: uuid,
    clock: () => 0,
  });
  await metadata.registerBroker(
    [{ name: 'PLAINTEXT', host: '127.0.0.1', port: 9092 }],
    new Map([['metadata.version', 25]]),
  );
  return { metadata, store };
}

test('createTopics validates names, counts and assignments, and commits the rest', async () => {
  const { metadata } = await open();
  const results = await metadata.createTopics([
    {
      name: 'a',
      numPartitions: 2,
      replicationFactor: 1,
      configs: new Map([['retention.ms', '1']]),
    },
    { name: 'a', numPartitions: 1, replicationFactor: 1 },
    { name: 'b c', numPartitions: 1, replicationFactor: 1 },
    { name: 'd', numPartitions: 0, replicationFactor: 1 },
    { name: 'e', numPartitions: 1, replicationFactor: 2 },
    { name: 'f', numPartitions: -1, replicationFactor: 1, assignments: [[1], [7]] },
    { name: 'g.h', numPartitions: 1, replicationFactor: 1 },
    { name: 'g_h', numPartitions: 1, replicationFactor: 1 },
  ]);
  assert.deepEqual(
    results.map((r) => r.errorCode),
    [
      ErrorCode.NONE,
      ErrorCode.TOPIC_ALREADY_EXISTS,
      ErrorCode.INVALID_TOPIC_EXCEPTION,
      ErrorCode.INVALID_PARTITIONS,
      ErrorCode.INVALID_REPLICATION_FACTOR,
      ErrorCode.INVALID_REPLICA_ASSIGNMENT,
      ErrorCode.NONE,
      ErrorCode.INVALID_TOPIC_EXCEPTION,
    ],
  );
  const a = metadata.image.topic('a')!;
  assert.equal(a.partitions.length, 2);
  assert.equal(a.configs.get('retention.ms'), '1');
  assert.deepEqual(a.partitions[1], {
    partitionId: 1,
    replicas: [1],
    isr: [1],
    leader: 1,
    leaderEpoch: 0,
    partitionEpoch: 0,
  });
  const huge = await metadata.createTopics([
    { name: 'huge', numPartitions: 2 ** 31 - 1, replicationFactor: 1 },
    { name: 'half1', numPartitions: 6000, replicationFactor: 1 },
    { name: 'half2', numPartitions: 6000, replicationFactor: 1 },
  ]);
  assert.deepEqual(
    huge.map((r) => r.errorCode),
    [ErrorCode.INVALID_PARTITIONS, ErrorCode.NONE, ErrorCode.INVALID_PARTITIONS],
  );
  assert.equal(
    (await metadata.createPartitions('a', 2 ** 31 - 1)).errorCode,
    ErrorCode.INVALID_PARTITIONS,
  );
  const dry = await metadata.createTopics(
    [{ name: 'dry', numPartitions: 1, replicationFactor: 1 }],
    {
      validateOnly: true,
    },
  );
  assert.equal(dry[0]!.errorCode, ErrorCode.NONE);
  assert.equal(metadata.image.topic('dry'), undefined);
});

test('subscribers hear each change before the operation resolves', async () => {
  const { metadata } = await open();
  const seen: string[] = [];
  metadata.subscribe(async (change: MetadataChange) => {
    await new Promise((r) => setTimeout(r, 1));
    seen.push(
      change.type === 'partitions-added'
        ? `${change.type}:${change.partitionIds.join(',')}`
        : change.type === 'topic-config-changed'
          ? `${change.type}:${change.names.join(',')}`
          : `${change.type}:${'topic' in change ? change.topic.name : ''}`,
    );
  });
  await metadata.createTopics([{ name: 't', numPartitions: 1, replicationFactor: 1 }]);
  assert.deepEqual(seen, ['topic-created:t']);
  assert.equal((await metadata.createPartitions('t', 3)).errorCode, ErrorCode.NONE);
  assert.equal((await metadata.createPartitions('t', 2)).errorCode, ErrorCode.INVALID_PARTITIONS);
  assert.equal(
    (await metadata.createPartitions('nope', 2)).errorCode,
    ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
  );
  await metadata.alterConfigs([
    { resourceType: ConfigResourceType.Topic, resourceName: 't', name: 'retention.ms', value: '5' },
  ]);
  const id = metadata.image.topic('t')!.topicId;
  const deleted = await metadata.deleteTopics([id, id]);
  assert.deepEqual(
    deleted.map((r) => r.errorCode),
    [ErrorCode.NONE, ErrorCode.UNKNOWN_TOPIC_ID],
  );
  assert.deepEqual(seen, [
    'topic-created:t',
    'partitions-added:1,2',
    'topic-config-changed:retention.ms',
    'topic-deleted:t',
  ]);
  assert.equal(metadata.image.topic('t'), undefined);
});

test('replaying the log rebuilds the same image, producer id blocks never repeat', async () => {
  const { metadata, store } = await open();
  await metadata.createTopics([{ name: 'x', numPartitions: 3, replicationFactor: 1 }]);
  await metadata.createPartitions('x', 4);
  const first = await metadata.allocateProducerIdBlock();
  const second = await metadata.allocateProducerIdBlock();
  assert.equal(first.size, PRODUCER_ID_BLOCK_SIZE);
  assert.equal(second.firstProducerId, first.firstProducerId + BigInt(first.size));
  const again = await ClusterMetadata.open({ store, nodeId: 1 });
  assert.deepEqual(again.image.topics(), metadata.image.topics());
  assert.equal(again.image.lastOffset, metadata.image.lastOffset);
  assert.deepEqual([...again.image.features()], [['metadata.version', 25]]);
  const third = await again.allocateProducerIdBlock();
  assert.equal(third.firstProducerId, second.firstProducerId + BigInt(second.size));
  assert.deepEqual(again.liveBrokerIds(), [1]);
});

test('a registration the metadata log cannot store (a full disk) is kept in memory; other writes still fail', async () => {
  const store = new MemoryMetadataLogStore();
  const { metadata } = await open(store);
  const append = store.append.bind(store);
  store.append = () => Promise.reject(new LogStorageError('metadata append failed: ENOSPC'));
  const told: unknown[] = [];
  const restarted = await ClusterMetadata.open({
    store,
    nodeId: 1,
    randomUuid: uuid,
    clock: () => 0,
    onVolatileRegistration: (err) => told.push(err),
  });
  const before = restarted.image.lastOffset;
  await restarted.registerBroker(
    [{ name: 'PLAINTEXT', host: '127.0.0.1', port: 9093 }],
    new Map([['metadata.version', 25]]),
  );
  assert.equal(told.length, 1);
  assert.equal(restarted.image.broker(1)!.endpoints[0]!.port, 9093);
  assert.equal(restarted.image.lastOffset, before, 'records kept in memory take no offset');
  await assert.rejects(
    restarted.createTopics([{ name: 'x', numPartitions: 1, replicationFactor: 1 }]),
    /ENOSPC/,
  );
  store.append = append;
  const [created] = await restarted.createTopics([
    { name: 'x', numPartitions: 1, replicationFactor: 1 },
  ]);
  assert.equal(created!.errorCode, ErrorCode.NONE);
  assert.equal(restarted.image.lastOffset, before + 2);
  assert.equal(metadata.image.broker(1)!.endpoints[0]!.port, 9092);
});
