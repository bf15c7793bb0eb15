// KIP-392's replica choice, as Kafka's RackAwareReplicaSelector makes it, and the
// replica.selector.class names accepted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  LEADER_SELECTOR,
  RACK_AWARE_REPLICA_SELECTOR,
  parseReplicaSelector,
  selectReadReplica,
} from '../../../src/broker/partition/replica-selector.js';

const leader = { brokerId: 1, rack: 'a', logEndOffset: 100 };
const followers = [
  { brokerId: 2, rack: 'b', logEndOffset: 90 },
  { brokerId: 3, rack: 'b', logEndOffset: 95 },
  { brokerId: 4, rack: 'c', logEndOffset: 100 },
];

test('rack-aware: the most caught-up replica of the client rack, else the leader', () => {
  const pick = (clientRack: string) =>
    selectReadReplica('rack-aware', { leader, followers, clientRack });
  assert.equal(pick('b'), 3);
  assert.equal(pick('c'), 4);
  assert.equal(pick('a'), 1, 'the leader when it is in the client rack');
  assert.equal(pick('z'), 1, 'the leader when no replica is in the client rack');
  assert.equal(pick(''), 1, 'the leader when the client names no rack');
  const tie = [
    { brokerId: 7, rack: 'b', logEndOffset: 95 },
    { brokerId: 5, rack: 'b', logEndOffset: 95 },
  ];
  assert.equal(selectReadReplica('rack-aware', { leader, followers: tie, clientRack: 'b' }), 5);
});

test('the leader selector always answers the leader', () => {
  assert.equal(selectReadReplica('leader', { leader, followers, clientRack: 'b' }), 1);
});

test("replica.selector.class takes Kafka's class names", () => {
  assert.equal(parseReplicaSelector(RACK_AWARE_REPLICA_SELECTOR), 'rack-aware');
  assert.equal(parseReplicaSelector(LEADER_SELECTOR), 'leader');
  assert.equal(parseReplicaSelector(null), 'leader');
  assert.match(String(parseReplicaSelector('com.example.Mine')), /unsupported replica selector/);
});
