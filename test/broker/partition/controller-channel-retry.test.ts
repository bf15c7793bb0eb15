// The retrying controller channel a clustered leader sends ISR changes through: it asks again
// while no controller is known (the channel rejects) or the broker asked says NOT_CONTROLLER,
// and hands the last answer or error back once its attempts are used up.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode, type AlterPartitionResponse } from '../../../src/protocol/index.js';
import {
  retryingControllerChannel,
  type ControllerChannel,
} from '../../../src/broker/partition/controller-channel.js';

const request = { brokerId: 1, brokerEpoch: -1n, topics: [] };
const answer = (errorCode: number): AlterPartitionResponse => ({
  throttleTimeMs: 0,
  errorCode,
  topics: [],
});

/** A channel whose successive calls play `script` (an error: reject with it). */
function scripted(script: (number | Error)[]): ControllerChannel & { calls: number } {
  const channel = {
    calls: 0,
    alterPartition: () => {
      const step = script[Math.min(channel.calls++, script.length - 1)]!;
      return step instanceof Error ? Promise.reject(step) : Promise.resolve(answer(step));
    },
    close: () => undefined,
  };
  return channel;
}

const options = (attempts: number) => ({
  backoffMs: 1,
  attempts,
  schedule: (ms: number, fn: () => void) => setTimeout(fn, ms),
});

test('retries through "no controller" and NOT_CONTROLLER until the controller answers', async () => {
  const inner = scripted([new Error('no controller is known'), ErrorCode.NOT_CONTROLLER, 0]);
  const response = await retryingControllerChannel(inner, options(5)).alterPartition(request);
  assert.equal(response.errorCode, ErrorCode.NONE);
  assert.equal(inner.calls, 3);
});

test('after its attempts it returns the last NOT_CONTROLLER or rethrows the last error', async () => {
  const refusing = scripted([ErrorCode.NOT_CONTROLLER]);
  const last = await retryingControllerChannel(refusing, options(3)).alterPartition(request);
  assert.equal(last.errorCode, ErrorCode.NOT_CONTROLLER);
  assert.equal(refusing.calls, 3);
  const unreachable = scripted([new Error('connection refused')]);
  await assert.rejects(
    retryingControllerChannel(unreachable, options(2)).alterPartition(request),
    /connection refused/,
  );
  assert.equal(unreachable.calls, 2);
});

test('other answers, refusals included, are returned at once', async () => {
  const inner = scripted([ErrorCode.INVALID_UPDATE_VERSION]);
  const response = await retryingControllerChannel(inner, options(5)).alterPartition(request);
  assert.equal(response.errorCode, ErrorCode.INVALID_UPDATE_VERSION);
  assert.equal(inner.calls, 1);
});
