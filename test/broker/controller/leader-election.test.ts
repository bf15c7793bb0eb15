// The controller's ElectLeaders and leader-balance decisions, and the reassignment records
// (metadata/partition-reassignment.ts, completed through AlterPartition), on images built by
// replaying records, as the controller sees them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  MetadataImage,
  MetadataRecordType,
  alterPartitionChanges,
  reassignPartition,
  type MetadataRecord,
} from '../../../src/metadata/index.js';
import {
  ElectionType,
  electLeaders,
  rebalanceRecords,
} from '../../../src/broker/controller/leader-election.js';
import { ErrorCode } from '../../../src/protocol/index.js';

const TOPIC_ID = '00000000-0000-4000-8000-000000000001';

function register(brokerId: number, fenced = false): MetadataRecord {
  return {
    type: MetadataRecordType.RegisterBroker,
    value: {
      brokerId,
      isMigratingZkBroker: false,
      incarnationId: `00000000-0000-4000-8000-00000000010${brokerId}`,
      brokerEpoch: 5n,
      endPoints: [],
      features: [],
      rack: null,
      fenced,
      inControlledShutdown: false,
      logDirs: [],
      cordonedLogDirs: null,
    },
  };
}

function partition(id: number, replicas: number[], isr: number[], leader: number): MetadataRecord {
  return {
    type: MetadataRecordType.Partition,
    value: {
      partitionId: id,
      topicId: TOPIC_ID,
      replicas,
      isr,
      removingReplicas: [],
      addingReplicas: [],
      leader,
      leaderRecoveryState: 0,
      leaderEpoch: 0,
      partitionEpoch: 0,
      directories: [],
      eligibleLeaderReplicas: null,
      lastKnownElr: null,
    },
  };
}

function image(...partitions: MetadataRecord[]): MetadataImage {
  const img = new MetadataImage();
  img.replay([
    register(1),
    register(2),
    register(3),
    register(4, true),
    { type: MetadataRecordType.Topic, value: { name: 't', topicId: TOPIC_ID } },
    ...partitions,
  ]);
  return img;
}

const p = (img: MetadataImage, id: number) => img.topic('t')!.partitions[id]!;
const codes = (results: { partition: number; errorCode: number }[]) =>
  results.map((r) => [r.partition, r.errorCode]);

test('PREFERRED: the first replica leads again when live and in sync', () => {
  const img = image(
    partition(0, [1, 2], [1, 2], 2), // elected
    partition(1, [1, 2], [1, 2], 1), // already
    partition(2, [1, 2], [2], 2), // preferred out of sync
    partition(3, [4, 2], [4, 2], 2), // preferred fenced
  );
  const asked = [0, 1, 2, 3, 9].map((partition) => ({ topic: 't', partition }));
  const { records, results } = electLeaders(img, ElectionType.PREFERRED, asked);
  assert.deepEqual(codes(results), [
    [0, ErrorCode.NONE],
    [1, ErrorCode.ELECTION_NOT_NEEDED],
    [2, ErrorCode.PREFERRED_LEADER_NOT_AVAILABLE],
    [3, ErrorCode.PREFERRED_LEADER_NOT_AVAILABLE],
    [9, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION],
  ]);
  img.replay(records);
  assert.equal(p(img, 0).leader, 1);
  assert.equal(p(img, 0).leaderEpoch, 1);
  // Every partition (null): those that needed no election are left out.
  const all = electLeaders(img, ElectionType.PREFERRED, null);
  assert.deepEqual(codes(all.results), [
    [2, ErrorCode.PREFERRED_LEADER_NOT_AVAILABLE],
    [3, ErrorCode.PREFERRED_LEADER_NOT_AVAILABLE],
  ]);
});

test('UNCLEAN: a leaderless partition gets a live ISR member, else any live replica', () => {
  const img = image(
    partition(0, [4, 2], [4, 2], -1), // live ISR member 2: a clean choice
    partition(1, [4, 3], [4], -1), // only a replica outside the ISR: unclean, ISR reset
    partition(2, [4], [4], -1), // nobody live
    partition(3, [1, 2], [1, 2], 1), // has a live leader
  );
  const asked = [0, 1, 2, 3].map((partition) => ({ topic: 't', partition }));
  const { records, results } = electLeaders(img, ElectionType.UNCLEAN, asked);
  assert.deepEqual(codes(results), [
    [0, ErrorCode.NONE],
    [1, ErrorCode.NONE],
    [2, ErrorCode.ELIGIBLE_LEADERS_NOT_AVAILABLE],
    [3, ErrorCode.ELECTION_NOT_NEEDED],
  ]);
  img.replay(records);
  assert.deepEqual([p(img, 0).leader, p(img, 0).isr], [2, [4, 2]]);
  assert.deepEqual([p(img, 1).leader, p(img, 1).isr], [3, [3]]);
});

test('the leader balance acts on brokers above the imbalance percentage only', () => {
  // Broker 1 is preferred for 4 partitions and leads 3 (25% imbalanced); broker 2 for one it
  // does not lead (100%), but it is out of that partition's ISR.
  const img = image(
    partition(0, [1, 2], [1, 2], 1),
    partition(1, [1, 2], [1, 2], 1),
    partition(2, [1, 2], [1, 2], 1),
    partition(3, [1, 3], [1, 3], 3),
    partition(4, [2, 3], [3], 3),
  );
  assert.deepEqual(rebalanceRecords(img, 25), []);
  const records = rebalanceRecords(img, 10);
  img.replay(records);
  assert.equal(records.length, 1);
  assert.equal(p(img, 3).leader, 1);
  assert.equal(p(img, 4).leader, 3, 'the preferred replica is not in sync');
});

function alter(img: MetadataImage, id: number, isr: number[]) {
  const current = p(img, id);
  const out = alterPartitionChanges(img, {
    brokerId: current.leader,
    brokerEpoch: -1n,
    topics: [
      {
        topicId: TOPIC_ID,
        partitions: [
          {
            partitionIndex: id,
            leaderEpoch: current.leaderEpoch,
            newIsr: [],
            newIsrWithEpochs: isr.map((brokerId) => ({ brokerId, brokerEpoch: -1n })),
            leaderRecoveryState: 0,
            partitionEpoch: current.partitionEpoch,
          },
        ],
      },
    ],
  });
  img.replay(out.records);
  return out.response.topics[0]!.partitions[0]!.errorCode;
}

test('a reassignment adds the target replicas, completes with the ISR change, and moves a removed leader', () => {
  const img = image(partition(0, [1, 2], [1, 2], 1));
  const topic = img.topic('t')!;
  const start = reassignPartition(img, topic, p(img, 0), [2, 3], {
    allowReplicationFactorChange: true,
  });
  assert.equal(start.errorCode, ErrorCode.NONE);
  img.replay([start.record!]);
  assert.deepEqual(
    [p(img, 0).replicas, p(img, 0).addingReplicas, p(img, 0).removingReplicas, p(img, 0).leader],
    [[2, 3, 1], [3], [1], 1],
  );
  // The leader adds 3 to the ISR: the same record completes the move and hands over to 2.
  assert.equal(alter(img, 0, [1, 2, 3]), ErrorCode.NEW_LEADER_ELECTED);
  const done = p(img, 0);
  assert.deepEqual([done.replicas, done.isr, done.leader], [[2, 3], [2, 3], 2]);
  assert.equal(done.addingReplicas, undefined);
  assert.equal(done.leaderEpoch, 1);
  // A snapshot keeps an ongoing reassignment.
  const again = reassignPartition(img, img.topic('t')!, done, [3, 1], {
    allowReplicationFactorChange: true,
  });
  img.replay([again.record!]);
  const copy = new MetadataImage();
  copy.replay(img.snapshotRecords());
  assert.deepEqual(copy.topic('t')!.partitions[0], p(img, 0));
});

test('cancel, replacement, shrink and refused targets', () => {
  const img = image(partition(0, [1, 2], [1, 2], 1), partition(1, [1, 2, 3], [1, 2, 3], 1));
  const topic = () => img.topic('t')!;
  const go = (id: number, target: number[] | null, allowRf = true) => {
    const out = reassignPartition(img, topic(), p(img, id), target, {
      allowReplicationFactorChange: allowRf,
    });
    if (out.record !== undefined) img.replay([out.record]);
    return out.errorCode;
  };
  assert.equal(go(0, null), ErrorCode.NO_REASSIGNMENT_IN_PROGRESS);
  assert.equal(go(0, [1, 1]), ErrorCode.INVALID_REPLICA_ASSIGNMENT);
  assert.equal(go(0, [1, 7]), ErrorCode.INVALID_REPLICA_ASSIGNMENT);
  assert.equal(go(0, [1, 2, 3], false), ErrorCode.INVALID_REPLICATION_FACTOR);
  assert.equal(go(0, [1, 2]), ErrorCode.NONE);
  assert.equal(p(img, 0).partitionEpoch, 0, 'the same assignment writes nothing');
  // Start {1,2} -> {3,2}, then replace it with {2,1,3}: reverted first, then only 3 is added.
  assert.equal(go(0, [3, 2]), ErrorCode.NONE);
  assert.equal(go(0, [2, 1, 3]), ErrorCode.NONE);
  assert.deepEqual(
    [p(img, 0).replicas, p(img, 0).addingReplicas, p(img, 0).removingReplicas],
    [[2, 1, 3], [3], []],
  );
  // Cancel: back to brokers {1,2} (as Kafka's revert, in the order of the last target).
  assert.equal(go(0, null), ErrorCode.NONE);
  assert.deepEqual([p(img, 0).replicas, p(img, 0).addingReplicas], [[2, 1], undefined]);
  // A shrink adds nothing and completes at once; the removed leader hands over.
  assert.equal(go(1, [2, 3]), ErrorCode.NONE);
  assert.deepEqual([p(img, 1).replicas, p(img, 1).isr, p(img, 1).leader], [[2, 3], [2, 3], 2]);
});
