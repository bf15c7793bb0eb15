// Controller mutation quotas (KIP-599): the token bucket on a hand-driven clock, then a broker
// with controller_mutation_rate set for one client id, asked at strict versions (CreateTopics
// v6+, CreatePartitions v3+, DeleteTopics v5+: THROTTLING_QUOTA_EXCEEDED per topic once the
// bucket is negative) and older ones (admitted, throttle_time_ms only).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startBroker, type Broker } from '../../../src/index.js';
import {
  PermissiveMutationQuota,
  StrictMutationQuota,
  TokenBucket,
} from '../../../src/broker/security/controller-mutation-quota.js';
import { ErrorCode } from '../../../src/protocol/index.js';
import { ProtocolClient } from '../../support/protocol-client.js';

test('the token bucket starts full, admits while not negative, and refills at the rate', () => {
  let now = 1_000;
  const bucket = new TokenBucket({ ratePerSec: 2, burst: 22, nowMs: now });
  const strict = new StrictMutationQuota(bucket, () => now);
  assert.equal(bucket.measure(now), 22);
  assert.equal(strict.admit(20), true);
  // Two tokens left: a mutation larger than that is still admitted and overdraws the bucket.
  assert.equal(strict.admit(20), true);
  assert.equal(bucket.measure(now), -18);
  assert.equal(strict.admit(1), false);
  assert.equal(strict.throttleTimeMs(), 9_000);
  // Once refused, a strict quota refuses the rest of its request.
  now += 9_000;
  assert.equal(strict.admit(1), false);
  // A new request after the refill is admitted again.
  const next = new StrictMutationQuota(bucket, () => now);
  assert.equal(next.admit(1), true);
  assert.equal(next.throttleTimeMs(), 0);
  // The bucket never holds more than its burst.
  now += 3_600_000;
  assert.equal(bucket.measure(now), 22);

  const permissive = new PermissiveMutationQuota(bucket, () => now);
  assert.equal(permissive.admit(30), true);
  assert.equal(permissive.admit(2), true);
  assert.equal(permissive.throttleTimeMs(), 5_000);
});

const topic = (name: string, numPartitions: number) => ({
  name,
  numPartitions,
  replicationFactor: -1,
  assignments: [],
  configs: [],
});

/** One request on a connection of its own: a throttled connection is muted afterwards. */
async function once(broker: Broker, clientId: string, call: [number, number, unknown]) {
  const client = await ProtocolClient.connect(broker.port, { clientId });
  try {
    return await client.request(...call);
  } finally {
    client.close();
  }
}

async function partitionCounts(broker: Broker, names: string[]): Promise<(number | null)[]> {
  const md = await once(broker, 'observer', [
    3,
    12,
    {
      topics: names.map((name) => ({ name, topicId: '00000000-0000-0000-0000-000000000000' })),
      allowAutoTopicCreation: false,
      includeClusterAuthorizedOperations: false,
      includeTopicAuthorizedOperations: false,
    },
  ]);
  return md.topics.map((t: { errorCode: number; partitions: unknown[] }) =>
    t.errorCode === 0 ? t.partitions.length : null,
  );
}

test('strict versions get THROTTLING_QUOTA_EXCEEDED per topic; older ones are throttled only', async (t) => {
  const broker = await startBroker({ port: 0 });
  t.after(() => broker.close());
  // 0.01 partitions/s: a bucket of 0.11 tokens, so the first mutation overdraws it for minutes.
  const altered = await once(broker, 'admin', [
    49,
    1,
    {
      validateOnly: false,
      entries: [
        {
          entity: [{ entityType: 'client-id', entityName: 'mutator' }],
          ops: [{ key: 'controller_mutation_rate', value: 0.01, remove: false }],
        },
      ],
    },
  ]);
  assert.equal(altered.entries[0].errorCode, 0);

  const created = await once(broker, 'mutator', [
    19,
    7,
    { timeoutMs: 5000, validateOnly: false, topics: [topic('a', 4), topic('b', 1)] },
  ]);
  assert.deepEqual(
    created.topics.map((r: { name: string; errorCode: number }) => [r.name, r.errorCode]),
    [
      ['a', ErrorCode.NONE],
      ['b', ErrorCode.THROTTLING_QUOTA_EXCEEDED],
    ],
  );
  assert.equal(created.topics[1].errorMessage, 'The throttling quota has been exceeded.');
  assert.ok(created.throttleTimeMs > 0, `throttle_time_ms ${created.throttleTimeMs}`);
  assert.deepEqual(await partitionCounts(broker, ['a', 'b']), [4, null]);

  // CreateTopics v5 predates KIP-599: created, and throttled.
  const old = await once(broker, 'mutator', [
    19,
    5,
    { timeoutMs: 5000, validateOnly: false, topics: [topic('c', 2)] },
  ]);
  assert.equal(old.topics[0].errorCode, ErrorCode.NONE);
  assert.ok(old.throttleTimeMs > created.throttleTimeMs, `${old.throttleTimeMs}`);

  const grow = (version: number, count: number) =>
    once(broker, 'mutator', [
      37,
      version,
      { topics: [{ name: 'a', count, assignments: null }], timeoutMs: 5000, validateOnly: false },
    ]);
  const refused = await grow(3, 6);
  assert.equal(refused.results[0].errorCode, ErrorCode.THROTTLING_QUOTA_EXCEEDED);
  assert.ok(refused.throttleTimeMs > 0);
  const grown = await grow(2, 5);
  assert.equal(grown.results[0].errorCode, ErrorCode.NONE);
  assert.ok(grown.throttleTimeMs > 0);
  assert.deepEqual(await partitionCounts(broker, ['a']), [5]);

  const remove = (version: number) =>
    once(broker, 'mutator', [20, version, { topicNames: ['c'], topics: [], timeoutMs: 5000 }]);
  const kept = await remove(5);
  assert.equal(kept.responses[0].errorCode, ErrorCode.THROTTLING_QUOTA_EXCEEDED);
  assert.ok(kept.throttleTimeMs > 0);
  assert.deepEqual(await partitionCounts(broker, ['c']), [2]);
  const removed = await remove(4);
  assert.equal(removed.responses[0].errorCode, ErrorCode.NONE);
  assert.ok(removed.throttleTimeMs > 0);
  assert.deepEqual(await partitionCounts(broker, ['c']), [null]);

  // validate_only charges nothing, and a client id without the quota is not limited.
  const validated = await once(broker, 'mutator', [
    19,
    7,
    { timeoutMs: 5000, validateOnly: true, topics: [topic('d', 1)] },
  ]);
  assert.equal(validated.topics[0].errorCode, ErrorCode.NONE);
  const free = await once(broker, 'free', [
    19,
    7,
    { timeoutMs: 5000, validateOnly: false, topics: [topic('e', 50), topic('f', 50)] },
  ]);
  assert.deepEqual(
    free.topics.map((r: { errorCode: number }) => r.errorCode),
    [0, 0],
  );
  assert.equal(free.throttleTimeMs, 0);
});
