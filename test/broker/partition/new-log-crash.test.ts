// New logs are created without fsyncs (docs/storage.md, "Creating logs"): what a machine crash
// may take from a new, empty log (its partition.metadata, its leader-epoch checkpoint, the
// segment file, the whole folder) is made again at the next start from the metadata log.
import assert from 'node:assert/strict';
import { readFile, readdir, rm, mkdtemp, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCode } from '../../../src/protocol/index.js';
import { batch, fetchBody, produceBody, valuesOf } from '../handlers/data-helpers.js';
import { createTopics, setup, test } from '../handlers/harness.js';

test('files a crash took from new logs are made again at the next start', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'rivulet-new-log-'));
  try {
    const first = await setup({ dataDir });
    const ids = await createTopics(first.client, [{ name: 'n', partitions: 3 }]);
    first.client.close();
    await first.broker.close();
    // What a lost page cache could leave: no partition.metadata in n-0, an empty folder n-1,
    // no folder at all for n-2.
    await unlink(join(dataDir, 'n-0', 'partition.metadata'));
    for (const f of await readdir(join(dataDir, 'n-1'))) await unlink(join(dataDir, 'n-1', f));
    await rm(join(dataDir, 'n-2'), { recursive: true });

    const second = await setup({ dataDir });
    for (const p of [0, 1, 2]) {
      const meta = await readFile(join(dataDir, `n-${p}`, 'partition.metadata'), 'utf8');
      assert.match(meta, new RegExp(`topic_id: ${ids.get('n')}`));
      const res = await second.client.request(
        0,
        9,
        produceBody('n', [{ index: p, records: batch([`v${p}`]) }], { acks: 1 }),
      );
      assert.equal(res.responses[0].partitionResponses[0].errorCode, ErrorCode.NONE);
      const fetched = await second.client.request(
        1,
        12,
        fetchBody('n', [{ partition: p, fetchOffset: 0 }]),
      );
      assert.deepEqual(valuesOf(fetched.responses[0].partitions[0].records), [`v${p}`]);
      const epochs = await readFile(join(dataDir, `n-${p}`, 'leader-epoch-checkpoint'), 'utf8');
      assert.equal(epochs, '0\n1\n0 0\n');
    }
    second.client.close();
    await second.broker.close();
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});
