// Test helpers for storage: hand-built magic-2 batches (storage never decodes records, so the
// record bytes are an opaque payload here), a manual clock and a manual scheduler.
import { BATCH_HEADER_BYTES, BatchHeader } from '../../src/protocol/records/batch-header.js';
import { crc32c } from '../../src/util/crc32c.js';
import type { Clock, Timers } from '../../src/storage/index.js';

export interface TestBatch {
  records?: number;
  payloadBytes?: number;
  timestamp?: number;
  maxTimestamp?: number;
  baseOffset?: number;
  fill?: number;
}

/** A batch with `records` records whose record area is `payloadBytes` opaque bytes. */
export function makeBatch(b: TestBatch = {}): Buffer {
  const records = b.records ?? 1;
  const payload = b.payloadBytes ?? 20;
  const buf = Buffer.alloc(BATCH_HEADER_BYTES + payload, b.fill ?? 0x61);
  const ts = b.timestamp ?? 1_000;
  buf.writeBigInt64BE(BigInt(b.baseOffset ?? 0), 0);
  buf.writeInt32BE(buf.length - 12, 8);
  buf.writeInt32BE(-1, 12);
  buf.writeInt8(2, 16);
  buf.writeInt16BE(0, 21);
  buf.writeInt32BE(records - 1, 23);
  buf.writeBigInt64BE(BigInt(ts), 27);
  buf.writeBigInt64BE(BigInt(b.maxTimestamp ?? ts), 35);
  buf.writeBigInt64BE(-1n, 43);
  buf.writeInt16BE(-1, 51);
  buf.writeInt32BE(-1, 53);
  buf.writeInt32BE(records, 57);
  buf.writeUInt32BE(crc32c(buf.subarray(21)), 17);
  return buf;
}

/** Splits stored bytes into batch headers (asserting whole, valid batches). */
export function batchesOf(buf: Buffer): BatchHeader[] {
  const out: BatchHeader[] = [];
  for (let pos = 0; pos < buf.length;) {
    const h = new BatchHeader(buf, pos);
    if (!h.isCrcValid()) throw new Error(`bad crc at ${pos}`);
    out.push(h);
    pos += h.totalSize;
  }
  return out;
}

export function baseOffsetsOf(buf: Buffer): number[] {
  return batchesOf(buf).map((h) => h.baseOffsetNumber);
}

export class ManualClock implements Clock {
  constructor(public now = 1_000_000) {}
  nowMs(): number {
    return this.now;
  }
  monotonicMs(): number {
    return this.now;
  }
  advance(ms: number): void {
    this.now += ms;
  }
}

/**
 * Runs scheduled functions only when told to (runDue), unlike SimulatedEnvironment, whose
 * advance runs them: storage tests move the clock and run the due jobs as separate steps.
 */
export class ManualScheduler implements Timers {
  private tasks: { at: number; fn: () => void; id: number }[] = [];
  private nextId = 0;
  constructor(private readonly clock: ManualClock) {}
  schedule(delayMs: number, fn: () => void): () => void {
    const id = this.nextId++;
    this.tasks.push({ at: this.clock.now + delayMs, fn, id });
    return () => {
      this.tasks = this.tasks.filter((t) => t.id !== id);
    };
  }
  /** Runs every task due at the clock's time. */
  runDue(): number {
    const due = this.tasks.filter((t) => t.at <= this.clock.now);
    this.tasks = this.tasks.filter((t) => t.at > this.clock.now);
    for (const t of due) t.fn();
    return due.length;
  }
  get pending(): number {
    return this.tasks.length;
  }
}

/** Lets queued promise callbacks run. */
export async function settle(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setImmediate(r));
}

/** A small seeded PRNG (mulberry32): reproducible randomness for fuzz and property tests. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
