import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  groupMetadataRecord,
  groupTombstone,
  javaStringHashCode,
  offsetCommitRecord,
  offsetTombstone,
  parseCoordinatorRecord,
  partitionForGroup,
} from '../../../src/broker/group/index.js';

test('partitionForGroup follows Java String.hashCode and Kafka Utils.abs', () => {
  assert.equal(javaStringHashCode('hello'), 99162322);
  assert.equal(javaStringHashCode(''), 0);
  // "polygenelubricants".hashCode() is Integer.MIN_VALUE, which Kafka maps to partition 0.
  assert.equal(javaStringHashCode('polygenelubricants'), -2147483648);
  assert.equal(partitionForGroup('polygenelubricants', 50), 0);
  assert.equal(partitionForGroup('hello', 50), 99162322 % 50);
  assert.equal(partitionForGroup('héllo-😀', 7), Math.abs(javaStringHashCode('héllo-😀')) % 7);
});

test('offset commit records round-trip with Kafka key type 1 and value version 3', () => {
  const rec = offsetCommitRecord('g', 't', 4, {
    offset: 123n,
    leaderEpoch: 9,
    metadata: 'm',
    commitTimestampMs: 1000,
    expireTimestampMs: null,
  });
  assert.equal(rec.key.readInt16BE(0), 1);
  assert.equal(rec.value!.readInt16BE(0), 3);
  assert.deepEqual(parseCoordinatorRecord(rec), {
    type: 'offset',
    groupId: 'g',
    topic: 't',
    partition: 4,
    value: {
      offset: 123n,
      leaderEpoch: 9,
      metadata: 'm',
      commitTimestampMs: 1000,
      expireTimestampMs: null,
    },
  });
  const withExpiry = offsetCommitRecord('g', 't', 4, {
    offset: 1n,
    leaderEpoch: -1,
    metadata: '',
    commitTimestampMs: 1000,
    expireTimestampMs: 5000,
  });
  assert.equal(withExpiry.value!.readInt16BE(0), 1);
  const parsed = parseCoordinatorRecord(withExpiry);
  assert.equal(parsed.type === 'offset' && parsed.value?.expireTimestampMs, 5000);
  assert.deepEqual(parseCoordinatorRecord(offsetTombstone('g', 't', 4)), {
    type: 'offset',
    groupId: 'g',
    topic: 't',
    partition: 4,
    value: null,
  });
});

test('group metadata records round-trip members, instance ids and assignments', () => {
  const value = {
    protocolType: 'consumer',
    generation: 5,
    protocol: 'range',
    leader: 'a',
    currentStateTimestamp: 77n,
    members: [
      {
        memberId: 'a',
        groupInstanceId: 'i',
        clientId: 'c',
        clientHost: '/h',
        rebalanceTimeout: 300,
        sessionTimeout: 100,
        subscription: Buffer.from('s'),
        assignment: Buffer.from('x'),
      },
    ],
  };
  const rec = groupMetadataRecord('g', value);
  assert.equal(rec.key.readInt16BE(0), 2);
  assert.deepEqual(parseCoordinatorRecord(rec), { type: 'group', groupId: 'g', value });
  assert.deepEqual(parseCoordinatorRecord(groupTombstone('g')), {
    type: 'group',
    groupId: 'g',
    value: null,
  });
  assert.deepEqual(parseCoordinatorRecord({ key: Buffer.from([0, 9, 0, 0]), value: null }), {
    type: 'other',
    recordType: 9,
  });
});
