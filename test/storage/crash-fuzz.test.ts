// Seeded, reproducible crash fuzzing of a partition log through MemoryFileSystem: random
// appends (some concurrent), flushes, rolls, truncations, DeleteRecords, retention runs and
// (on odd seeds) compactions, with crashes at random byte positions. After every recovery the
// log must be a prefix of the model (the appended batches, byte for byte, from its start to its
// end; with compaction, batches may have lost superseded records or vanished when all their
// records were superseded, and the newest record of every key is there), contain everything it
// had reported flushed, and its indexes must agree with the data.
// Reproduce a failure with FUZZ_SEED=<seed>.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEFAULT_LOG_CONFIG,
  MemoryFileSystem,
  PartitionLog,
  cleanLog,
  protocolCleanerCodec,
  resolveLogConfig,
  type LogConfig,
} from '../../src/storage/index.js';
import { BatchHeader } from '../../src/protocol/records/batch-header.js';
import {
  decodeRecordBatchSync,
  encodeRecordBatchSync,
} from '../../src/protocol/records/record-batch.js';
import { ManualClock, ManualScheduler, batchesOf, makeBatch, mulberry32 } from './helpers.js';

interface ModelBatch {
  base: number;
  last: number;
  bytes: Buffer;
  /** From an append that failed: it may or may not have reached the disk. */
  maybe?: boolean;
}

/** `offset:key=value` of each record of a batch. */
function recordsOf(bytes: Buffer): { offset: number; key: string; text: string }[] {
  return decodeRecordBatchSync(bytes).records.map((r) => ({
    offset: Number(r.offset),
    key: r.key!.toString(),
    text: `${r.offset}:${r.key!.toString()}=${r.value!.toString()}`,
  }));
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
  cleanerCheckpoint = 0;
  cleanings = 0;
  /** Few keys: most are superseded; many: the newest of some keys sit in cleaned segments. */
  readonly keys: number;
  constructor(
    readonly rand: () => number,
    readonly compact: boolean,
  ) {
    this.config = resolveLogConfig(DEFAULT_LOG_CONFIG, {
      segmentBytes: 400 + Math.floor(rand() * 1500),
      indexIntervalBytes: 50 + Math.floor(rand() * 300),
      retentionBytes: -1,
      retentionMs: -1,
      cleanupPolicy: compact ? 'compact,delete' : 'delete',
    });
    this.keys = rand() < 0.5 ? 6 : 60;
  }

  /** A batch of opaque payload, or of keyed records when compacting. */
  newBatch(): Buffer {
    this.clock.advance(this.int(50));
    if (!this.compact) {
      return makeBatch({
        records: 1 + this.int(4),
        payloadBytes: this.int(200),
        timestamp: this.clock.now,
        fill: this.int(256),
      });
    }
    const records = Array.from({ length: 1 + this.int(4) }, () => ({
      key: Buffer.from(`k${this.int(this.keys)}`),
      value: Buffer.from(`v${this.int(1e9)}`.padEnd(this.int(60), '.')),
      timestamp: this.clock.now,
    }));
    return encodeRecordBatchSync(records);
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
    const parts = Array.from({ length: 1 + this.int(3) }, () => this.newBatch());
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
      // A truncation into compacted segments could remove the records that made the cleaner
      // drop older ones; followers only truncate the uncleaned tail.
      if (this.compact && target < this.log.segmentBaseOffsets.at(-1)!) return;
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
      return;
    }
    if (this.compact) {
      const result = await cleanLog(this.log, protocolCleanerCodec(), {
        checkpoint: this.cleanerCheckpoint,
        nowMs: this.clock.now,
        dedupeBufferBytes: this.rand() < 0.5 ? 200 + this.int(1000) : 1 << 20,
      });
      this.cleanerCheckpoint = result.firstDirtyOffset;
      this.cleanings++;
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
    this.cleanerCheckpoint = 0;
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
    // Every stored batch is, byte for byte, one that was appended (or, compacted, a subset of
    // one); they follow each other without holes (compaction may drop batches whose records
    // all have newer ones); none of the appends that succeeded is missing.
    const same = (m: ModelBatch, b: ModelBatch): boolean =>
      m.base === b.base &&
      (m.bytes.equals(b.bytes) ||
        (this.compact &&
          m.last === b.last &&
          recordsOf(b.bytes).every((x) => recordsOf(m.bytes).some((y) => y.text === x.text))));
    for (const [i, b] of stored.entries()) {
      assert.ok(
        this.model.some((m) => same(m, b)),
        `batch ${b.base} was never appended`,
      );
      if (i > 0 && !this.compact) {
        assert.equal(b.base, stored[i - 1]!.last + 1, `hole before ${b.base}`);
      }
    }
    const first = stored[0];
    const present = this.model.filter(
      (m) => m.last < leo && (!m.maybe || stored.some((b) => same(m, b))),
    );
    const superseded = (m: ModelBatch): boolean =>
      recordsOf(m.bytes).every((r) =>
        present.some((p) => p.base > m.base && recordsOf(p.bytes).some((q) => q.key === r.key)),
      );
    // Everything from the log start offset on is readable.
    const from = Math.max(log.logStartOffset, start);
    const missing = expected.filter(
      (m) =>
        !m.maybe &&
        m.last >= from &&
        !stored.some((b) => b.base === m.base) &&
        !(this.compact && superseded(m)),
    );
    assert.deepEqual(
      missing.map((m) => m.base),
      [],
      'the log is a prefix of what was appended',
    );
    if (this.compact) {
      const newest = new Map<string, string>();
      for (const m of present) for (const r of recordsOf(m.bytes)) newest.set(r.key, r.text);
      const storedTexts = new Set(stored.flatMap((b) => recordsOf(b.bytes).map((r) => r.text)));
      for (const [key, text] of newest) {
        if (Number(text.split(':')[0]) >= from) {
          assert.ok(storedTexts.has(text), `newest ${key} (${text}) survives`);
        }
      }
    }
    const lastStored = stored[stored.length - 1];
    if (lastStored) assert.equal(lastStored.last + 1, leo, 'log end follows the last batch');
    // What survived is certain now; what did not will never be read.
    this.model = this.model.filter(
      (m) =>
        m.last < leo &&
        (!m.maybe || stored.some((b) => same(m, b)) || m.base < (first?.base ?? leo)),
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

async function runSeed(
  seed: number,
  steps: number,
): Promise<{ crashes: number; cleanings: number }> {
  const h = new Harness(mulberry32(seed), seed % 2 === 1);
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
  return { crashes: h.crashes, cleanings: h.cleanings };
}

test('crash fuzz: recovered logs are prefixes with all flushed data and consistent indexes', async () => {
  const only = process.env['FUZZ_SEED'];
  const count = Number(process.env['FUZZ_SEEDS'] ?? 20);
  const seeds = only ? [Number(only)] : Array.from({ length: count }, (_, i) => i + 1);
  let crashes = 0;
  let cleanings = 0;
  for (const seed of seeds) {
    try {
      const r = await runSeed(seed, 250);
      crashes += r.crashes;
      cleanings += r.cleanings;
    } catch (err) {
      (err as Error).message = `seed ${seed}: ${(err as Error).message}`;
      throw err;
    }
  }
  assert.ok(crashes >= seeds.length * 2, `only ${crashes} crashes`);
  if (seeds.length > 1) assert.ok(cleanings >= seeds.length, `only ${cleanings} compactions`);
  if (process.env['FUZZ_DEBUG']) console.log({ seeds: seeds.length, crashes, cleanings });
});
