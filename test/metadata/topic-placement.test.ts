import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode } from '../../src/protocol/index.js';
import {
  assignmentProblem,
  placeReplicas,
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
