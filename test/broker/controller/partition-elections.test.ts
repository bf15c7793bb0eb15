// The controller's decisions when brokers are fenced, return or shut down, on images built by
// replaying records, as the controller sees them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  MetadataImage,
  MetadataRecordType,
  type MetadataRecord,
  type PartitionImage,
} from '../../../src/metadata/index.js';
import {
  controlledShutdownRecords,
  fenceBrokerRecords,
  unfenceBrokerRecords,
} from '../../../src/broker/controller/partition-elections.js';

const TOPIC_ID = '00000000-0000-4000-8000-000000000001';

function register(brokerId: number): MetadataRecord {
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
      fenced: false,
      inControlledShutdown: false,
      logDirs: [],
      cordonedLogDirs: null,
    },
  };
}

function partition(partitionId: number, replicas: number[], isr: number[]): MetadataRecord {
  return {
    type: MetadataRecordType.Partition,
    value: {
      partitionId,
      topicId: TOPIC_ID,
      replicas,
      isr,
      removingReplicas: [],
      addingReplicas: [],
      leader: isr[0]!,
      leaderRecoveryState: 0,
      leaderEpoch: 0,
      partitionEpoch: 0,
      directories: [],
      eligibleLeaderReplicas: null,
      lastKnownElr: null,
    },
  };
}

/** Brokers 1-3 and topic t: p0 [1,2,3] led by 1, p1 [2,3,1] led by 2, p2 [1] only, p3 ISR [1]. */
function cluster(configs: Record<string, string> = {}): MetadataImage {
  const image = new MetadataImage();
  image.replay([
    register(1),
    register(2),
    register(3),
    { type: MetadataRecordType.Topic, value: { name: 't', topicId: TOPIC_ID } },
    partition(0, [1, 2, 3], [1, 2, 3]),
    partition(1, [2, 3, 1], [2, 3, 1]),
    partition(2, [1], [1]),
    partition(3, [1, 2], [1]),
    ...Object.entries(configs).map(([name, value]): MetadataRecord => ({
      type: MetadataRecordType.Config,
      value: { resourceType: 2, resourceName: 't', name, value },
    })),
  ]);
  return image;
}

function parts(image: MetadataImage): Pick<PartitionImage, 'leader' | 'isr' | 'leaderEpoch'>[] {
  return image.topic('t')!.partitions.map(({ leader, isr, leaderEpoch }) => ({
    leader,
    isr: [...isr],
    leaderEpoch,
  }));
}

const clean = { uncleanLeaderElection: false };

test('fencing a broker moves its leaderships to the live ISR and removes it from the ISRs', () => {
  const image = cluster();
  image.replay(fenceBrokerRecords(image, 1, clean));
  assert.equal(image.broker(1)!.fenced, true);
  assert.deepEqual(parts(image), [
    { leader: 2, isr: [2, 3], leaderEpoch: 1 },
    { leader: 2, isr: [2, 3], leaderEpoch: 0 },
    // Its last ISR member gone, a partition has no leader and keeps that member in its ISR.
    { leader: -1, isr: [1], leaderEpoch: 1 },
    { leader: -1, isr: [1], leaderEpoch: 1 },
  ]);
  assert.deepEqual(fenceBrokerRecords(image, 1, clean), [], 'fencing twice changes nothing');
});

test('a returning broker is unfenced and leads the partitions only it can lead', () => {
  const image = cluster();
  image.replay(fenceBrokerRecords(image, 1, clean));
  image.replay(unfenceBrokerRecords(image, 1, clean));
  assert.equal(image.broker(1)!.fenced, false);
  assert.deepEqual(
    parts(image).map((p) => p.leader),
    [2, 2, 1, 1],
  );
});

test('unclean leader election (a topic override) hands a leaderless partition to any live replica', () => {
  const image = cluster({ 'unclean.leader.election.enable': 'true' });
  image.replay(fenceBrokerRecords(image, 1, clean));
  assert.deepEqual(parts(image)[3], { leader: 2, isr: [2], leaderEpoch: 1 });
  assert.deepEqual(parts(image)[2], { leader: -1, isr: [1], leaderEpoch: 1 });
});

test('a controlled shutdown moves what can move and leaves the rest with the broker', () => {
  const image = cluster();
  image.replay(controlledShutdownRecords(image, 1, clean));
  assert.equal(image.broker(1)!.fenced, false, 'still registered until it leaves');
  assert.deepEqual(
    parts(image).map((p) => [p.leader, p.isr]),
    [
      [2, [2, 3]],
      [2, [2, 3]],
      [1, [1]],
      [1, [1]],
    ],
  );
});

test('a fence or unfence for an older registration epoch is ignored by replay', () => {
  const image = cluster();
  image.replay([{ type: MetadataRecordType.FenceBroker, value: { id: 2, epoch: 4n } }]);
  assert.equal(image.broker(2)!.fenced, false);
});
