// Seeded, reproducible crash fuzzing of a partition log through MemoryFileSystem: random
// appends (some concurrent), flushes, rolls, truncations, DeleteRecords and retention runs,
// with crashes at random byte positions. After every recovery the log must be a prefix of the
// model (exactly the appended batches, byte for byte, from its start to its end), contain
// everything it had reported flushed, and its indexes must agree with the data.
// Reproduce a failure with FUZZ_SEED=<seed>.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEFAULT_LOG_CONFIG,
  MemoryFileSystem,
  PartitionLog,
  resolveLogConfig,
  type LogConfig,
} from '../../src/storage/index.js';
import { BatchHeader } from '../../src/protocol/records/batch-header.js';
import { ManualClock, ManualScheduler, batchesOf, makeBatch, mulberry32 } from './helpers.js';

interface ModelBatch {
  base: number;
  last: number;
  bytes: Buffer;
  /** From an append that failed: it may or may not have reached the disk. */
  maybe?: boolean;
}

const DIR = '/data/fuzz-0';

class Harness {
  model: ModelBatch[] = [];
  fs = new MemoryFileSystem();
  clock = new ManualClock(1_000_000);
  log!: PartitionLog;
  flushed = 0;
  config: LogConfig;
  crashes = 0;
  constructor(readonly rand: () => number) {
    this.config = resolveLogConfig(DEFAULT_LOG_CONFIG, {
      segmentBytes: 400 + Math.floor(rand() * 1500),
      indexIntervalBytes: 50 + Math.floor(rand() * 300),
      retentionBytes: -1,
      retentionMs: -1,
    });
  }

  int(n: number): number {
    return Math.floor(this.rand() * n);
  }

  async open(checkpoint: { logStartOffset: number; recoveryPoint: number }): Promise<void> {
    this.log = await PartitionLog.open({
      fs: this.fs,
      dir: DIR,
      topic: 'fuzz',
      partition: 0,
      config: this.config,
      clock: this.clock,
      scheduler: new ManualScheduler(this.clock),
      random: this.rand,
      ...checkpoint,
    });
  }

  async append(): Promise<void> {
    const n = 1 + this.int(3);
    const parts: Buffer[] = [];
    for (let i = 0; i < n; i++) {
      this.clock.advance(this.int(50));
      parts.push(
        makeBatch({
          records: 1 + this.int(4),
          payloadBytes: this.int(200),
          timestamp: this.clock.now,
          fill: this.int(256),
        }),
      );
    }
    const buf = Buffer.concat(parts);
    const before = this.log.logEndOffset;
    let failed = true;
    try {
      await this.log.append(buf);
      failed = false;
    } finally {
      // The buffer was patched in place: it now holds exactly the stored bytes. Batches of a
      // failed append may still reach the disk (a crash after the first of them), so they
      // join the model too; they can only ever be at its end.
      for (const h of batchesOf(buf)) {
        if (h.baseOffsetNumber < before && h.baseOffsetNumber === 0) break;
        this.model.push({
          base: h.baseOffsetNumber,
          last: h.lastOffsetNumber,
          bytes: Buffer.from(buf.subarray(h.pos, h.pos + h.totalSize)),
          maybe: failed,
        });
      }
      this.model.sort((a, b) => a.base - b.base);
    }
  }

  async step(): Promise<void> {
    const r = this.rand();
    if (r < 0.55) return this.append();
    if (r < 0.62) {
      const results = await Promise.allSettled([this.append(), this.append()]);
      for (const r of results) if (r.status === 'rejected') throw r.reason;
      return;
    }
    if (r < 0.72) return this.log.flush();
    if (r < 0.77) return this.log.roll();
    if (r < 0.82 && this.model.length > 0) {
      const target = this.model[this.int(this.model.length)]!.base;
      if (target < this.log.logStartOffset) return;
      await this.log.truncateTo(target);
      this.model = this.model.filter((b) => b.last < target);
      return;
    }
    if (r < 0.87) {
      const to =
        this.log.logStartOffset + this.int(this.log.logEndOffset - this.log.logStartOffset + 1);
      await this.log.deleteRecordsBefore(to);
      return;
    }
    if (r < 0.92) {
      this.log.updateConfig({ ...this.config, retentionBytes: this.int(3000) });
      await this.log.deleteOldSegments();
      this.log.updateConfig(this.config);
    }
  }

  /** After each successful step: the log's own claims. */
  noteProgress(): void {
    this.flushed = this.log.recoveryPoint;
  }

  async crashAndRecover(): Promise<void> {
    this.crashes++;
    const claims = {
      logStartOffset: this.log.logStartOffset,
      recoveryPoint: this.log.recoveryPoint,
    };
    this.fs = this.fs.crash({ random: this.rand });
    // A checkpoint may be stale (older) but never ahead of what the log had claimed.
    await this.open(this.rand() < 0.5 ? claims : { logStartOffset: 0, recoveryPoint: 0 });
    await this.verify();
  }

  async verify(): Promise<void> {
    const log = this.log;
    const leo = log.logEndOffset;
    assert.ok(leo >= this.flushed, `log end ${leo} lost flushed data below ${this.flushed}`);
    const segments = log.segmentList;
    const start = segments[0]!.baseOffset;
    const expected = this.model.filter((b) => b.base >= start && b.last < leo);
    const stored: ModelBatch[] = [];
    for (let offset = start; offset < leo;) {
      const r = await log.read(Math.max(offset, log.logStartOffset), { maxBytes: 1 << 20 });
      assert.equal(r.error, null);
      if (r.records.length === 0) break;
      for (const h of batchesOf(r.records)) {
        if (stored.length > 0)
          assert.ok(h.baseOffsetNumber > stored[stored.length - 1]!.last, 'offsets never repeat');
        if (h.baseOffsetNumber >= offset)
          stored.push({
            base: h.baseOffsetNumber,
            last: h.lastOffsetNumber,
            bytes: Buffer.from(r.records.subarray(h.pos, h.pos + h.totalSize)),
          });
        offset = h.lastOffsetNumber + 1;
      }
    }
    if (process.env['FUZZ_DEBUG']) {
      console.log({
        leo,
        start,
        lso: log.logStartOffset,
        segs: log.segmentBaseOffsets,
        stored: stored.map((b) => [b.base, b.last]),
        expected: expected.map((b) => [b.base, b.last]),
      });
    }
    // Every stored batch is, byte for byte, one that was appended; they follow each other
    // without holes; and none of the appends that succeeded is missing.
    for (const [i, b] of stored.entries()) {
      assert.ok(
        this.model.some((m) => m.base === b.base && m.bytes.equals(b.bytes)),
        `batch ${b.base} was never appended`,
      );
      if (i > 0) assert.equal(b.base, stored[i - 1]!.last + 1, `hole before ${b.base}`);
    }
    const first = stored[0];
    const missing = expected.filter(
      (m) => !m.maybe && first && m.base >= first.base && !stored.some((b) => b.base === m.base),
    );
    assert.deepEqual(
      missing.map((m) => m.base),
      [],
      'the log is a prefix of what was appended',
    );
    const lastStored = stored[stored.length - 1];
    if (lastStored) assert.equal(lastStored.last + 1, leo, 'log end follows the last batch');
    // What survived is certain now; what did not will never be read.
    this.model = this.model.filter(
      (m) =>
        m.last < leo &&
        (!m.maybe ||
          stored.some((b) => b.base === m.base && b.bytes.equals(m.bytes)) ||
          m.base < (first?.base ?? leo)),
    );
    for (const m of this.model) m.maybe = false;
    // The model forgets what the crash took, so later appends continue from the log's end.
    this.flushed = log.recoveryPoint;
    for (const segment of segments) {
      const index = segment.offsetIndex.encode();
      for (let p = 0; p < index.length; p += 8) {
        const batch = await segment.batchAt(index.readInt32BE(p + 4));
        assert.equal(
          batch?.lastOffset,
          segment.baseOffset + index.readInt32BE(p),
          'index entry names its batch',
        );
      }
    }
    for (const b of stored.slice(0, 20)) {
      const mid = b.base + Math.floor((b.last - b.base) / 2);
      if (mid < log.logStartOffset) continue;
      const r = await log.read(mid, { maxBytes: 1 });
      assert.equal(
        new BatchHeader(r.records).baseOffsetNumber,
        b.base,
        `read(${mid}) finds its batch`,
      );
    }
  }
}

async function runSeed(seed: number, steps: number): Promise<number> {
  const h = new Harness(mulberry32(seed));
  await h.open({ logStartOffset: 0, recoveryPoint: 0 });
  for (let i = 0; i < steps; i++) {
    if (h.rand() < 0.04) h.fs.crashAfterBytes(h.int(3000));
    try {
      await h.step();
      h.noteProgress();
    } catch (err) {
      if (!h.fs.isCrashed) throw err;
    }
    if (h.fs.isCrashed || h.rand() < 0.02) await h.crashAndRecover();
  }
  await h.crashAndRecover();
  return h.crashes;
}

test('crash fuzz: recovered logs are prefixes with all flushed data and consistent indexes', async () => {
  const only = process.env['FUZZ_SEED'];
  const count = Number(process.env['FUZZ_SEEDS'] ?? 20);
  const seeds = only ? [Number(only)] : Array.from({ length: count }, (_, i) => i + 1);
  let crashes = 0;
  for (const seed of seeds) {
    try {
      crashes += await runSeed(seed, 250);
    } catch (err) {
      (err as Error).message = `seed ${seed}: ${(err as Error).message}`;
      throw err;
    }
  }
  assert.ok(crashes >= seeds.length * 2, `only ${crashes} crashes`);
  if (process.env['FUZZ_DEBUG']) console.log({ seeds: seeds.length, crashes });
});
