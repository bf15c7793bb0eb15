// A real process appending to real files is killed with SIGKILL mid-write; the log reopens with
// everything it had flushed, only whole valid batches, and offsets that follow each other.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_LOG_CONFIG, NodeFileSystem, PartitionLog } from '../../src/storage/index.js';
import { batchesOf } from './helpers.js';
import { within } from '../support/wait.js';

const child = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'append-until-killed.js');

async function runUntilFlushed(dir: string, minFlushed: number): Promise<number> {
  const proc = spawn(process.execPath, [child, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  let flushed = 0;
  const reached = new Promise<void>((resolve, reject) => {
    proc.on('error', reject);
    proc.on('exit', (code) => reject(new Error(`child exited early with ${code}`)));
    proc.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      for (const m of chunk.matchAll(/flushed (\d+)/g)) flushed = Math.max(flushed, Number(m[1]));
      if (flushed >= minFlushed) resolve();
    });
  });
  await within(`the child to report ${minFlushed} flushed`, reached);
  proc.removeAllListeners('exit');
  const exited = new Promise((r) => proc.on('exit', r));
  proc.kill('SIGKILL');
  await exited;
  return flushed;
}

test('kill -9 during appends: the log reopens with all flushed data and valid batches', async () => {
  const root = mkdtempSync(join(tmpdir(), 'rivulet-kill-'));
  const dir = join(root, 'kill-0');
  try {
    for (let round = 1; round <= 2; round++) {
      const flushed = await runUntilFlushed(dir, 400 * round);
      const log = await PartitionLog.open({
        fs: new NodeFileSystem(),
        dir,
        topic: 'kill',
        partition: 0,
        config: DEFAULT_LOG_CONFIG,
      });
      assert.ok(log.logEndOffset >= flushed, `log end ${log.logEndOffset} < flushed ${flushed}`);
      let next = 0;
      while (next < log.logEndOffset) {
        const r = await log.read(next, { maxBytes: 1 << 20 });
        assert.ok(r.records.length > 0, `nothing at ${next}`);
        for (const h of batchesOf(r.records)) {
          assert.equal(h.baseOffsetNumber, next);
          assert.equal(h.buf[h.pos + 61], next % 251, `payload of ${next}`);
          next = h.lastOffsetNumber + 1;
        }
      }
      assert.equal(next, log.logEndOffset);
      await log.close();
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
