import assert from 'node:assert/strict';
import { ErrorCode } from '../../../src/protocol/index.js';
import { createTopics, setup, test } from './harness.js';

test('DescribeTopicPartitions pages through partitions with a cursor', async () => {
  const { client } = await setup();
  await createTopics(client, [
    { name: 'b', partitions: 3 },
    { name: 'a', partitions: 2 },
  ]);
  const ask = (cursor: unknown, topics: string[] = []) =>
    client.request(75, 0, {
      topics: topics.map((name) => ({ name })),
      responsePartitionLimit: 2,
      cursor,
    });
  const pages: string[] = [];
  let cursor = null;
  for (let i = 0; i < 5; i++) {
    const res = await ask(cursor);
    for (const t of res.topics) {
      for (const p of t.partitions) pages.push(`${i}:${t.name}-${p.partitionIndex}`);
    }
    cursor = res.nextCursor;
    if (cursor === null) break;
  }
  assert.deepEqual(pages, ['0:a-0', '0:a-1', '1:b-0', '1:b-1', '2:b-2']);
  const named = await ask(null, ['zz', 'a']);
  assert.deepEqual(
    named.topics.map((t: { name: string; errorCode: number }) => [t.name, t.errorCode]),
    [
      ['a', ErrorCode.NONE],
      ['zz', ErrorCode.UNKNOWN_TOPIC_OR_PARTITION],
    ],
  );
});
