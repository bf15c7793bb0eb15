import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ErrorCode } from '../../../src/protocol/index.js';
import { createTopics, setup, test } from './harness.js';

test('DescribeLogDirs reports the log dir, its space and partition sizes', async () => {
  const { broker, client } = await setup();
  await createTopics(client, [{ name: 'sized', partitions: 2 }]);
  // Stand in for the partition logs the replica manager keeps.
  for (const p of [0, 1]) {
    mkdirSync(join(broker.dataDir, `sized-${p}`), { recursive: true });
    writeFileSync(
      join(broker.dataDir, `sized-${p}`, '00000000000000000000.log'),
      Buffer.alloc(10 + p),
    );
  }
  const res = await client.request(35, 4, { topics: null });
  assert.equal(res.errorCode, ErrorCode.NONE);
  const [dir] = res.results;
  assert.equal(dir.logDir, broker.dataDir);
  assert.ok(dir.totalBytes > 0n && dir.usableBytes > 0n);
  assert.deepEqual(
    dir.topics.map(
      (t: { name: string; partitions: { partitionIndex: number; partitionSize: bigint }[] }) => [
        t.name,
        t.partitions.map((p) => [p.partitionIndex, p.partitionSize]),
      ],
    ),
    [
      [
        'sized',
        [
          [0, 10n],
          [1, 11n],
        ],
      ],
    ],
  );
  const one = await client.request(35, 1, { topics: [{ topic: 'sized', partitions: [1] }] });
  assert.equal(one.results[0].topics[0].partitions.length, 1);
  assert.equal(one.results[0].totalBytes, -1n);
});
