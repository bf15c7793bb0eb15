import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FetchSessionCache, type FetchPartition } from '../../../src/broker/partition/index.js';

const ZERO = '00000000-0000-0000-0000-000000000000';
function part(partition: number, fetchOffset = 0): FetchPartition {
  return {
    topic: 't',
    topicId: ZERO,
    partition,
    fetchOffset,
    logStartOffset: -1,
    maxBytes: 1000,
    currentLeaderEpoch: -1,
  };
}
const answer = { errorCode: 0, highWatermark: 10, logStartOffset: 0, recordBytes: 0 };

test('epoch 0 creates a session; incremental fetches carry only what changed', () => {
  let now = 0;
  const cache = new FetchSessionCache({ maxSessions: 10, random: () => 0.5, nowMs: () => now });
  const full = cache.newContext({
    sessionId: 0,
    sessionEpoch: 0,
    partitions: [part(0), part(1)],
    forgotten: [],
    usesTopicIds: false,
  });
  assert.equal(full.kind, 'full');
  assert.ok(full.kind === 'full');
  assert.ok(full.sessionId > 0);
  for (const p of full.partitions) assert.equal(cache.answer(full, p, answer), true);
  now += 10;
  const inc = cache.newContext({
    sessionId: full.sessionId,
    sessionEpoch: 1,
    partitions: [part(1, 5)],
    forgotten: [],
    usesTopicIds: false,
  });
  assert.equal(inc.kind, 'incremental');
  assert.ok(inc.kind === 'incremental');
  assert.deepEqual(
    inc.partitions.map((p) => [p.partition, p.fetchOffset]),
    [
      [0, 0],
      [1, 5],
    ],
  );
  assert.equal(cache.answer(inc, inc.partitions[0]!, answer), false);
  assert.equal(cache.answer(inc, inc.partitions[1]!, { ...answer, recordBytes: 100 }), true);
  assert.equal(cache.answer(inc, inc.partitions[0]!, { ...answer, highWatermark: 11 }), true);
  const forgot = cache.newContext({
    sessionId: full.sessionId,
    sessionEpoch: 2,
    partitions: [],
    forgotten: [part(0)],
    usesTopicIds: false,
  });
  assert.ok(forgot.kind === 'incremental' && forgot.partitions.length === 1);
});

test('wrong epochs, unknown ids and mixed topic ids are errors; epoch -1 closes the session', () => {
  const cache = new FetchSessionCache({ maxSessions: 10 });
  const full = cache.newContext({
    sessionId: 0,
    sessionEpoch: 0,
    partitions: [part(0)],
    forgotten: [],
    usesTopicIds: false,
  });
  assert.ok(full.kind === 'full');
  const id = full.sessionId;
  const req = { partitions: [], forgotten: [], usesTopicIds: false };
  assert.deepEqual(cache.newContext({ ...req, sessionId: id, sessionEpoch: 5 }), {
    kind: 'error',
    error: 'INVALID_FETCH_SESSION_EPOCH',
  });
  assert.deepEqual(cache.newContext({ ...req, sessionId: id + 1, sessionEpoch: 1 }), {
    kind: 'error',
    error: 'FETCH_SESSION_ID_NOT_FOUND',
  });
  assert.deepEqual(
    cache.newContext({ ...req, sessionId: id, sessionEpoch: 1, usesTopicIds: true }),
    { kind: 'error', error: 'FETCH_SESSION_TOPIC_ID_ERROR' },
  );
  const closed = cache.newContext({
    ...req,
    partitions: [part(0)],
    sessionId: id,
    sessionEpoch: -1,
  });
  assert.ok(closed.kind === 'full' && closed.sessionId === 0);
  assert.equal(cache.size, 0);
});

test('a full cache evicts only sessions idle past the eviction time', () => {
  let now = 0;
  const cache = new FetchSessionCache({ maxSessions: 1, nowMs: () => now });
  const req = {
    sessionId: 0,
    sessionEpoch: 0,
    partitions: [part(0)],
    forgotten: [],
    usesTopicIds: false,
  };
  const a = cache.newContext(req);
  assert.ok(a.kind === 'full' && a.sessionId > 0);
  const b = cache.newContext(req);
  assert.ok(b.kind === 'full' && b.sessionId === 0);
  now += 120_001;
  const c = cache.newContext(req);
  assert.ok(c.kind === 'full' && c.sessionId > 0 && c.sessionId !== a.sessionId);
  assert.equal(cache.size, 1);
});
