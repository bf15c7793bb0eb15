import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode } from '../../src/protocol/index.js';
import {
  assignmentProblem,
  placeReplicas,
  rackAlternatedBrokerIds,
  replicationFactorProblem,
} from '../../src/metadata/topic-placement.js';

test('replicas are placed round-robin from the partition index', () => {
  assert.deepEqual(placeReplicas({ first: 1, count: 3, replicationFactor: 2 }, [1, 2, 3]), [
    [2, 3],
    [3, 1],
    [1, 2],
  ]);
});

test('replication factors and manual assignments are checked against the live brokers', () => {
  assert.equal(replicationFactorProblem(1, [1]), null);
  assert.equal(replicationFactorProblem(0, [1])?.errorCode, ErrorCode.INVALID_REPLICATION_FACTOR);
  assert.equal(replicationFactorProblem(2, [1])?.errorCode, ErrorCode.INVALID_REPLICATION_FACTOR);
  const check = (a: number[][]) =>
    assignmentProblem(a, { firstPartition: 0, liveBrokerIds: [1, 2] })?.errorCode ?? 0;
  assert.deepEqual(
    [
      check([[1], [2]]),
      check([]),
      check([[]]),
      check([[1, 1]]),
      check([[3]]),
      check([[1], [1, 2]]),
    ],
    [
      0,
      ErrorCode.INVALID_REPLICA_ASSIGNMENT,
      ErrorCode.INVALID_REPLICA_ASSIGNMENT,
      ErrorCode.INVALID_REPLICA_ASSIGNMENT,
      ErrorCode.INVALID_REPLICA_ASSIGNMENT,
      ErrorCode.INVALID_REPLICA_ASSIGNMENT,
    ],
  );
});

test('with racks, consecutive brokers of the placement order sit in different racks', () => {
  const brokers = [
    { brokerId: 1, rack: 'a' },
    { brokerId: 2, rack: 'a' },
    { brokerId: 3, rack: 'b' },
    { brokerId: 4, rack: 'b' },
    { brokerId: 5, rack: 'c' },
    { brokerId: 6, rack: 'c' },
  ];
  const order = rackAlternatedBrokerIds(brokers);
  assert.deepEqual(order, [1, 3, 5, 2, 4, 6]);
  const rackOf = new Map(brokers.map((b) => [b.brokerId, b.rack]));
  for (const replicas of placeReplicas({ first: 0, count: 6, replicationFactor: 3 }, order)) {
    assert.equal(new Set(replicas.map((id) => rackOf.get(id))).size, 3, `${replicas.join(',')}`);
  }
  // Without racks the order is by id, as before.
  assert.deepEqual(
    rackAlternatedBrokerIds([
      { brokerId: 3, rack: null },
      { brokerId: 1, rack: null },
    ]),
    [1, 3],
  );
});
