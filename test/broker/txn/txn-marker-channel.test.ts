import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ErrorName } from '../../../src/protocol/errors.js';
import { silentLogger } from '../../../src/broker/logger.js';
import { TxnMarkerChannel, type WrittenTxnMarker } from '../../../src/broker/txn/index.js';

function target(errors: Record<string, ErrorName> = {}) {
  const appended: string[] = [];
  return {
    appended,
    writeTxnMarker: async (topic: string, partition: number) => {
      const error = errors[`${topic}-${partition}`] ?? null;
      if (error === null) appended.push(`${topic}-${partition}`);
      return { error };
    },
  };
}

const marker = { producerId: 7n, producerEpoch: 2, coordinatorEpoch: 0, commit: true };

test('listeners hear each written marker after it is appended, until removed', async () => {
  const t = target({ 'b-0': 'KAFKA_STORAGE_ERROR' });
  const channel = new TxnMarkerChannel(t, silentLogger);
  const heard: WrittenTxnMarker[] = [];
  const off = channel.onTxnMarker(async (m) => {
    assert.ok(t.appended.includes(`${m.topic}-${m.partition}`));
    heard.push(m);
  });
  channel.onTxnMarker(() => {
    throw new Error('a failing listener does not fail the write');
  });
  assert.deepEqual(await channel.writeOne('a', 1, marker), { error: null });
  assert.deepEqual(await channel.writeOne('b', 0, marker), { error: 'KAFKA_STORAGE_ERROR' });
  assert.deepEqual(heard, [{ ...marker, topic: 'a', partition: 1 }]);
  off();
  await channel.writeOne('a', 2, marker);
  assert.equal(heard.length, 1);
});

test('write() is done when every partition has its marker or can never get one', async () => {
  const gone = new TxnMarkerChannel(target({ 'x-0': 'UNKNOWN_TOPIC_OR_PARTITION' }), silentLogger);
  const partitions = [
    { topic: 'x', partition: 0 },
    { topic: 'y', partition: 0 },
  ];
  assert.equal(await gone.write({ ...marker, partitions }), true);
  const failing = new TxnMarkerChannel(target({ 'y-0': 'KAFKA_STORAGE_ERROR' }), silentLogger);
  assert.equal(await failing.write({ ...marker, partitions }), false);
});
