import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ErrorCode } from '../../../src/protocol/index.js';
import { batch, produceBody } from './data-helpers.js';
import { createTopics, setup, test } from './harness.js';

/** Bytes of the segment files of `<dataDir>/<topic>-<partition>` on disk. */
function bytesOnDisk(dataDir: string, folder: string): bigint {
  let total = 0;
  for (const f of readdirSync(join(dataDir, folder))) {
    if (f.endsWith('.log')) total += statSync(join(dataDir, folder, f)).size;
  }
  return BigInt(total);
}

interface ResultTopic {
  name: string;
  partitions: { partitionIndex: number; partitionSize: bigint }[];
}

test('DescribeLogDirs reports the log dir, its space and partition sizes', async () => {
  const { broker, client } = await setup();
  await createTopics(client, [
    { name: 'sized', partitions: 3 },
    { name: 'other', partitions: 1 },
  ]);
  // Different amounts in each partition; partition 2 stays empty.
  await client.request(
    0,
    9,
    produceBody('sized', [
      { index: 0, records: batch(['a']) },
      { index: 1, records: batch(['bb', 'cc', 'dd']) },
    ]),
  );
  const res = await client.request(35, 4, { topics: null });
  assert.equal(res.errorCode, ErrorCode.NONE);
  const [dir] = res.results;
  assert.equal(dir.logDir, broker.dataDir);
  assert.ok(dir.totalBytes > 0n && dir.usableBytes > 0n);
  const sizes = (dir.topics as ResultTopic[]).map((t) => [
    t.name,
    t.partitions.map((p) => [p.partitionIndex, p.partitionSize]),
  ]);
  // The sizes are what the segment files hold on disk.
  const disk = (p: number) => bytesOnDisk(broker.dataDir, `sized-${p}`);
  assert.deepEqual(sizes, [
    ['other', [[0, 0n]]],
    [
      'sized',
      [
        [0, disk(0)],
        [1, disk(1)],
        [2, 0n],
      ],
    ],
  ]);
  assert.ok(disk(1) > disk(0) && disk(0) > 0n);
  // Only what is asked about; a partition this broker does not have is left out.
  const one = await client.request(35, 1, { topics: [{ topic: 'sized', partitions: [1, 7] }] });
  assert.deepEqual(
    (one.results[0].topics as ResultTopic[]).map((t) => [
      t.name,
      t.partitions.map((p) => [p.partitionIndex, p.partitionSize]),
    ]),
    [['sized', [[1, disk(1)]]]],
  );
  assert.equal(one.results[0].totalBytes, -1n);
});
