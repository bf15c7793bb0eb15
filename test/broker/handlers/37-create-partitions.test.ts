import assert from 'node:assert/strict';
import { ErrorCode } from '../../../src/protocol/index.js';
import { createTopics, listTopics, setup, test } from './harness.js';

test('CreatePartitions grows topics; shrinking, unknown topics and bad assignments fail', async () => {
  const { client } = await setup();
  await createTopics(client, [
    { name: 'grow', partitions: 2 },
    { name: 'fixed', partitions: 3 },
  ]);
  const res = await client.request(37, 3, {
    topics: [
      { name: 'grow', count: 4, assignments: [{ brokerIds: [1] }, { brokerIds: [1] }] },
      { name: 'fixed', count: 2, assignments: null },
      { name: 'missing', count: 2, assignments: null },
    ],
    timeoutMs: 5000,
    validateOnly: false,
  });
  assert.deepEqual(
    res.results.map((r: { name: string; errorCode: number }) => [r.name, r.errorCode]),
    [
      ['grow', ErrorCode.NONE],
      ['fixed', ErrorCode.INVALID_PARTITIONS],
      ['missing', ErrorCode.UNKNOWN_TOPIC_OR_PARTITION],
    ],
  );
  const bad = await client.request(37, 0, {
    topics: [{ name: 'fixed', count: 5, assignments: [{ brokerIds: [1] }] }],
    timeoutMs: 5000,
    validateOnly: false,
  });
  assert.equal(bad.results[0].errorCode, ErrorCode.INVALID_REPLICA_ASSIGNMENT);
  const dry = await client.request(37, 1, {
    topics: [{ name: 'fixed', count: 5, assignments: null }],
    timeoutMs: 5000,
    validateOnly: true,
  });
  assert.equal(dry.results[0].errorCode, ErrorCode.NONE);
  assert.deepEqual(await listTopics(client), { fixed: 3, grow: 4 });
});
