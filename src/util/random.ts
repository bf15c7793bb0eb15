// Randomness as a value: the broker's uuids, jitter and fetch-session ids come from a Random, so
// a simulated run draws the same numbers from the same seed and can be replayed.
import { randomBytes, randomUUID } from 'node:crypto';

export interface Random {
  /** A number in [0, 1), as Math.random. */
  next(): number;
  /** `n` random bytes. */
  bytes(n: number): Buffer;
  /** A version 4 UUID in its usual text form. */
  uuid(): string;
}

/** The process's own sources: Math.random for numbers, node:crypto for bytes and uuids. */
export const systemRandom: Random = {
  next: () => Math.random(),
  bytes: (n) => randomBytes(n),
  uuid: () => randomUUID(),
};

/** A seeded source (sfc32): the same seed gives the same sequence on every machine. */
export class SeededRandom implements Random {
  private a: number;
  private b: number;
  private c: number;
  private d = 1;

  constructor(readonly seed: number) {
    this.a = 0x9e3779b9;
    this.b = 0x243f6a88;
    this.c = seed >>> 0;
    // The first outputs of sfc32 still show the seed; discard them.
    for (let i = 0; i < 15; i++) this.nextUint32();
  }

  nextUint32(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t;
  }

  next(): number {
    return this.nextUint32() / 4294967296;
  }

  bytes(n: number): Buffer {
    const out = Buffer.allocUnsafe(n);
    for (let i = 0; i < n; i++) out[i] = this.nextUint32() & 0xff;
    return out;
  }

  uuid(): string {
    const b = this.bytes(16);
    b[6] = (b[6]! & 0x0f) | 0x40;
    b[8] = (b[8]! & 0x3f) | 0x80;
    const h = b.toString('hex');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }
}
