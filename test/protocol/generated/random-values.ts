// Seeded random values for any generated message at any version, built from the spec model
// (not from the generated code), so round-trip tests check the generator against the spec.
import {
  type FieldSpec,
  type MessageSpec,
  type StructSpec,
  inRange,
  intersect,
  isEmpty,
} from '../../../scripts/protocol-spec.js';
import * as generated from '../../../src/protocol/generated/index.js';

/** A small deterministic PRNG (mulberry32). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Value = unknown;
type Obj = Record<string, Value>;

const CHARS = ['a', 'Z', '0', '-', '.', ' ', 'é', '日', '🚀'];

export class RandomValues {
  constructor(
    private readonly rnd: () => number,
    private readonly msg: MessageSpec,
  ) {}

  private int(lo: number, hi: number): number {
    return lo + Math.floor(this.rnd() * (hi - lo + 1));
  }

  /** The default of a struct as the generated create function builds it. */
  private defaults(s: StructSpec): Obj {
    const create = (generated as unknown as Record<string, () => Obj>)[`create${s.name}`];
    if (create === undefined) throw new Error(`no create${s.name}`);
    return create();
  }

  private flexible(version: number): boolean {
    return inRange(version, this.msg.flexibleVersions);
  }

  struct(s: StructSpec, version: number, depth: number): Obj {
    const out = this.defaults(s);
    for (const f of s.fields) {
      if (!inRange(version, f.versions)) continue;
      // Tagged fields are often left at their default, which leaves them off the wire.
      if (!isEmpty(f.taggedVersions) && this.rnd() < 0.4) continue;
      out[f.prop] = this.field(f, version, depth);
    }
    if (this.flexible(version) && this.rnd() < 0.15) {
      out._unknownTaggedFields = [{ tag: 100 + this.int(0, 50), data: this.bytes(4) }];
    }
    return out;
  }

  private field(f: FieldSpec, version: number, depth: number): Value {
    const nullable = inRange(version, intersect(f.nullableVersions, f.versions));
    if (nullable && this.rnd() < 0.2) return null;
    if (f.isArray) {
      const n = depth > 3 ? 0 : this.int(0, 3);
      return Array.from({ length: n }, () => this.elem(f, version, depth + 1));
    }
    return this.elem(f, version, depth + 1);
  }

  private elem(f: FieldSpec, version: number, depth: number): Value {
    if (f.struct) return this.struct(f.struct, version, depth);
    switch (f.primitive!) {
      case 'bool':
        return this.rnd() < 0.5;
      case 'int8':
        return this.int(-128, 127);
      case 'int16':
        return this.int(-32768, 32767);
      case 'uint16':
        return this.int(0, 65535);
      case 'int32':
        return this.int(-2147483648, 2147483647);
      case 'uint32':
        return this.int(0, 4294967295);
      case 'int64':
        return BigInt.asIntN(
          64,
          (BigInt(this.int(0, 2 ** 32 - 1)) << 32n) | BigInt(this.int(0, 2 ** 32 - 1)),
        );
      case 'float64':
        return (this.rnd() - 0.5) * 1e6;
      case 'string':
        return Array.from(
          { length: this.int(0, 6) },
          () => CHARS[this.int(0, CHARS.length - 1)],
        ).join('');
      case 'bytes':
        return this.bytes(this.int(0, 8));
      case 'records':
        // Sometimes above the writer's copy limit, to exercise referenced payloads.
        return this.bytes(this.rnd() < 0.3 ? 700 : this.int(0, 40));
      case 'uuid':
        return this.uuid();
    }
  }

  private bytes(n: number): Buffer {
    const b = Buffer.alloc(n);
    for (let i = 0; i < n; i++) b[i] = this.int(0, 255);
    return b;
  }

  private uuid(): string {
    const h = this.bytes(16).toString('hex');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }
}
