import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  MetadataImage,
  MetadataRecordType,
  type MetadataRecord,
} from '../../src/metadata/index.js';

const ID = '6ba7b810-9dad-41d1-80b4-00c04fd430c8';
const change = (leader: number, isr: number[] | null): MetadataRecord => ({
  type: MetadataRecordType.PartitionChange,
  value: {
    partitionId: 0,
    topicId: ID,
    isr,
    leader,
    replicas: null,
    removingReplicas: null,
    addingReplicas: null,
    leaderRecoveryState: -1,
    directories: null,
    eligibleLeaderReplicas: null,
    lastKnownElr: null,
  },
});

test('replay: partition changes bump epochs; unknown record types are skipped', () => {
  const image = new MetadataImage();
  const created = image.replay([
    { type: MetadataRecordType.Topic, value: { name: 't', topicId: ID } },
    {
      type: MetadataRecordType.Partition,
      value: {
        partitionId: 0,
        topicId: ID,
        replicas: [1, 2],
        isr: [1, 2],
        removingReplicas: [],
        addingReplicas: [],
        leader: 1,
        leaderRecoveryState: 0,
        leaderEpoch: 0,
        partitionEpoch: 0,
        directories: [],
        eligibleLeaderReplicas: null,
        lastKnownElr: null,
      },
    },
  ]);
  assert.deepEqual(
    created.map((c) => c.type),
    ['topic-created'],
  );
  // A PartitionChangeRecord is announced, so the broker can move the partition between roles.
  assert.deepEqual(
    image
      .replay([change(-2, [1]), { type: 99, value: undefined }])
      .map((c) => (c.type === 'partitions-changed' ? [c.type, c.partitionIds] : [c.type])),
    [['partitions-changed', [0]]],
  );
  assert.deepEqual(image.leaderOf('t', 0), { leaderId: 1, leaderEpoch: 0 });
  assert.deepEqual(image.leaderOf('t', 5), { leaderId: -1, leaderEpoch: -1 });
  let p = image.topic('t')!.partitions[0]!;
  assert.deepEqual([p.leader, p.leaderEpoch, p.partitionEpoch, p.isr], [1, 0, 1, [1]]);
  image.replay([change(2, [2])]);
  p = image.topic('t')!.partitions[0]!;
  assert.deepEqual([p.leader, p.leaderEpoch, p.partitionEpoch, p.isr], [2, 1, 2, [2]]);
});
