// A topic or partitions whose logs cannot be made (out of file descriptors, out of space) are
// answered with KAFKA_STORAGE_ERROR and never reach the metadata, and a partition whose log
// cannot be opened at start leaves the broker running with that partition offline. Failures
// are injected through the FileSystem seam, as the real error a system call gives.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCode } from '../../../src/protocol/index.js';
import { NodeFileSystem, type FileHandle, type FileSystem } from '../../../src/storage/index.js';
import { batch, fetchBody, produceBody, valuesOf } from '../handlers/data-helpers.js';
import { createTopics, listTopics, setup, test } from '../handlers/harness.js';

/** The disk, except that opening a file under a folder `doomed` matches fails with `code`. */
class FailingFileSystem extends NodeFileSystem implements FileSystem {
  doomed: RegExp | null = null;
  failures = 0;

  constructor(private readonly code: 'EMFILE' | 'ENOSPC') {
    super();
  }

  override open(
    path: string,
    options?: { create?: boolean; readOnly?: boolean },
  ): Promise<FileHandle> {
    if (this.doomed !== null && this.doomed.test(path)) {
      this.failures++;
      const err = Object.assign(new Error(`${this.code}: injected, open '${path}'`), {
        code: this.code,
        errno: this.code === 'EMFILE' ? -24 : -28,
        syscall: 'open',
        path,
      });
      return Promise.reject(err);
    }
    return super.open(path, options);
  }
}

const create = (names: { name: string; partitions: number }[]) => ({
  topics: names.map((t) => ({
    name: t.name,
    numPartitions: t.partitions,
    replicationFactor: -1,
    assignments: [],
    configs: [],
  })),
  timeoutMs: 5000,
  validateOnly: false,
});

test('CreateTopics answers KAFKA_STORAGE_ERROR and commits no topic whose logs failed', async () => {
  const fs = new FailingFileSystem('EMFILE');
  const { broker, client } = await setup({ fs });
  // Partition 7 of 'doomed' fails; the topic beside it in the same request is created.
  fs.doomed = /\/doomed-7\//;
  const res = await client.request(
    19,
    7,
    create([
      { name: 'doomed', partitions: 12 },
      { name: 'fine', partitions: 3 },
    ]),
  );
  assert.ok(fs.failures > 0);
  const [doomed, fine] = res.topics;
  assert.equal(doomed.errorCode, ErrorCode.KAFKA_STORAGE_ERROR);
  assert.match(doomed.errorMessage, /EMFILE/);
  assert.equal(fine.errorCode, ErrorCode.NONE);
  assert.deepEqual(await listTopics(client), { fine: 3 });
  for (let p = 0; p < 12; p++) assert.equal(existsSync(join(broker.dataDir, `doomed-${p}`)), false);

  // Once the cause is gone, the same request succeeds.
  fs.doomed = null;
  const again = await client.request(19, 7, create([{ name: 'doomed', partitions: 12 }]));
  assert.equal(again.topics[0].errorCode, ErrorCode.NONE);
  assert.deepEqual(await listTopics(client), { doomed: 12, fine: 3 });
});

test('CreatePartitions answers KAFKA_STORAGE_ERROR and keeps the partition count', async () => {
  const fs = new FailingFileSystem('ENOSPC');
  const { broker, client } = await setup({ fs });
  await createTopics(client, [{ name: 'grow', partitions: 2 }]);
  fs.doomed = /\/grow-4\//;
  const res = await client.request(37, 3, {
    topics: [{ name: 'grow', count: 6, assignments: null }],
    timeoutMs: 5000,
    validateOnly: false,
  });
  assert.equal(res.results[0].errorCode, ErrorCode.KAFKA_STORAGE_ERROR);
  assert.match(res.results[0].errorMessage, /ENOSPC/);
  assert.deepEqual(await listTopics(client), { grow: 2 });
  for (let p = 2; p < 6; p++) assert.equal(existsSync(join(broker.dataDir, `grow-${p}`)), false);
  assert.equal(existsSync(join(broker.dataDir, 'grow-1')), true);

  fs.doomed = null;
  const again = await client.request(37, 3, {
    topics: [{ name: 'grow', count: 6, assignments: null }],
    timeoutMs: 5000,
    validateOnly: false,
  });
  assert.equal(again.results[0].errorCode, ErrorCode.NONE);
  assert.deepEqual(await listTopics(client), { grow: 6 });
});

test('a partition whose log cannot be opened at start is offline; the broker starts', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'rivulet-offline-'));
  try {
    const first = await setup({ dataDir });
    await createTopics(first.client, [{ name: 't', partitions: 3 }]);
    for (const index of [0, 1, 2]) {
      const res = await first.client.request(
        0,
        9,
        produceBody('t', [{ index, records: batch([`v${index}`]) }], { acks: 1 }),
      );
      assert.equal(res.responses[0].partitionResponses[0].errorCode, ErrorCode.NONE);
    }
    first.client.close();
    await first.broker.close();

    const fs = new FailingFileSystem('EMFILE');
    fs.doomed = /\/t-1\//;
    const errors: string[] = [];
    const logger = {
      info: () => {},
      debug: () => {},
      warn: () => {},
      error: (m: string) => void errors.push(m),
    };
    const second = await setup({ dataDir, fs, logger });
    assert.ok(
      errors.some((m) => /partition t-1 is offline .*EMFILE/.test(m)),
      errors.join('\n'),
    );
    const produce = async (index: number) => {
      const res = await second.client.request(
        0,
        9,
        produceBody('t', [{ index, records: batch(['w']) }], { acks: 1 }),
      );
      return res.responses[0].partitionResponses[0].errorCode as number;
    };
    assert.equal(await produce(0), ErrorCode.NONE);
    assert.equal(await produce(1), ErrorCode.KAFKA_STORAGE_ERROR);
    const fetched = await second.client.request(
      1,
      12,
      fetchBody('t', [{ partition: 1, fetchOffset: 0 }]),
    );
    assert.equal(fetched.responses[0].partitions[0].errorCode, ErrorCode.KAFKA_STORAGE_ERROR);
    second.client.close();
    await second.broker.close();

    // The offline partition's records were kept: the next start serves them.
    const third = await setup({ dataDir });
    const res = await third.client.request(
      1,
      12,
      fetchBody('t', [{ partition: 1, fetchOffset: 0 }]),
    );
    assert.equal(res.responses[0].partitions[0].errorCode, ErrorCode.NONE);
    assert.deepEqual(valuesOf(res.responses[0].partitions[0].records), ['v1']);
    third.client.close();
    await third.broker.close();
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});
