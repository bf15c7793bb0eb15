// The controller's check of AlterPartition (a leader's ISR change), through ClusterMetadata on
// an in-memory log: accepted changes become PartitionChangeRecords that bump the partition
// epoch; stale and invalid proposals get Kafka's error codes and change nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ClusterMetadata, MemoryMetadataLogStore } from '../../src/metadata/index.js';
import { ErrorCode, type AlterPartitionRequest } from '../../src/protocol/index.js';

async function cluster() {
  const store = new MemoryMetadataLogStore();
  const nodes: ClusterMetadata[] = [];
  for (const nodeId of [1, 2, 3]) {
    const m = await ClusterMetadata.open({ store: store.connect(), nodeId });
    await m.registerBroker(
      [{ name: 'PLAINTEXT', host: '127.0.0.1', port: 9000 + nodeId }],
      new Map([['metadata.version', 25]]),
    );
    nodes.push(m);
  }
  const controller = nodes[0]!;
  await controller.follower.waitFor(store.logEndOffset - 1);
  const [created] = await controller.createTopics([
    { name: 't', numPartitions: 1, replicationFactor: 3, assignments: [[1, 2, 3]] },
  ]);
  assert.equal(created!.errorCode, ErrorCode.NONE);
  return { controller, topicId: created!.topic!.topicId, close: () => closeAll(nodes) };
}

async function closeAll(nodes: ClusterMetadata[]) {
  for (const n of nodes) await n.close();
}

function request(
  topicId: string,
  p: { brokerId?: number; leaderEpoch?: number; partitionEpoch?: number; isr: number[] },
  brokerEpoch = -1n,
): AlterPartitionRequest {
  return {
    brokerId: p.brokerId ?? 1,
    brokerEpoch,
    topics: [
      {
        topicId,
        partitions: [
          {
            partitionIndex: 0,
            leaderEpoch: p.leaderEpoch ?? 0,
            newIsr: [],
            newIsrWithEpochs: p.isr.map((brokerId) => ({ brokerId, brokerEpoch: -1n })),
            leaderRecoveryState: 0,
            partitionEpoch: p.partitionEpoch ?? 0,
          },
        ],
      },
    ],
  };
}

function answer(r: Awaited<ReturnType<ClusterMetadata['alterPartition']>>) {
  return r.topics[0]!.partitions[0]!;
}

test('an accepted shrink and expand bump the partition epoch; the old epoch is then fenced', async (t) => {
  const { controller, topicId, close } = await cluster();
  t.after(close);
  const shrunk = answer(await controller.alterPartition(request(topicId, { isr: [1, 2] })));
  assert.equal(shrunk.errorCode, ErrorCode.NONE);
  assert.deepEqual(shrunk.isr, [1, 2]);
  assert.equal(shrunk.partitionEpoch, 1);
  assert.deepEqual(controller.image.topic('t')!.partitions[0]!.isr, [1, 2]);
  assert.equal(controller.image.topic('t')!.partitions[0]!.partitionEpoch, 1);
  // The same proposal again carries the old partition epoch: INVALID_UPDATE_VERSION.
  const stale = answer(await controller.alterPartition(request(topicId, { isr: [1] })));
  assert.equal(stale.errorCode, ErrorCode.INVALID_UPDATE_VERSION);
  assert.deepEqual(controller.image.topic('t')!.partitions[0]!.isr, [1, 2]);
  const expanded = answer(
    await controller.alterPartition(request(topicId, { isr: [1, 2, 3], partitionEpoch: 1 })),
  );
  assert.equal(expanded.errorCode, ErrorCode.NONE);
  assert.equal(controller.image.topic('t')!.partitions[0]!.partitionEpoch, 2);
});

test('Kafka error codes for proposals the controller refuses', async (t) => {
  const { controller, topicId, close } = await cluster();
  t.after(close);
  const cases: [AlterPartitionRequest, number][] = [
    [request(topicId, { brokerId: 2, isr: [2, 3] }), ErrorCode.INVALID_REQUEST],
    [request(topicId, { leaderEpoch: 1, isr: [1, 2] }), ErrorCode.FENCED_LEADER_EPOCH],
    [request(topicId, { isr: [2, 3] }), ErrorCode.INVALID_REQUEST],
    [request(topicId, { isr: [1, 4] }), ErrorCode.INELIGIBLE_REPLICA],
    [request('11111111-1111-4111-8111-111111111111', { isr: [1] }), ErrorCode.UNKNOWN_TOPIC_ID],
  ];
  for (const [req, code] of cases) {
    const r = await controller.alterPartition(req);
    assert.equal(r.errorCode, ErrorCode.NONE);
    assert.equal(answer(r).errorCode, code, `expected error ${code}`);
  }
  const staleBroker = await controller.alterPartition(request(topicId, { isr: [1] }, 99n));
  assert.equal(staleBroker.errorCode, ErrorCode.STALE_BROKER_EPOCH);
  const p = controller.image.topic('t')!.partitions[0]!;
  assert.deepEqual([p.isr, p.partitionEpoch], [[1, 2, 3], 0]);
});
