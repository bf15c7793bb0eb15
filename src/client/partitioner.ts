// The Java client's default partitioning, so records with the same key land in the same
// partition whichever client wrote them: murmur2 of the key bytes, made positive, modulo the
// partition count. Records without a key stick to one partition until about batch.size bytes
// have gone to it, then move to another at random (KIP-480, KIP-794), which fills batches.

const SEED = 0x9747b28c;
const M = 0x5bd1e995;

/** Kafka's murmur2 (org.apache.kafka.common.utils.Utils.murmur2) as a signed int32. */
export function murmur2(data: Uint8Array): number {
  const length = data.length;
  let h = (SEED ^ length) | 0;
  const length4 = length >>> 2;
  for (let i = 0; i < length4; i++) {
    const i4 = i * 4;
    let k = data[i4]! | (data[i4 + 1]! << 8) | (data[i4 + 2]! << 16) | (data[i4 + 3]! << 24);
    k = Math.imul(k, M);
    k ^= k >>> 24;
    k = Math.imul(k, M);
    h = Math.imul(h, M) ^ k;
  }
  const tail = length & ~3;
  const rest = length & 3;
  if (rest === 3) h ^= data[tail + 2]! << 16;
  if (rest >= 2) h ^= data[tail + 1]! << 8;
  if (rest >= 1) h = Math.imul(h ^ data[tail]!, M);
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

/** The partition the Java client picks for a keyed record. */
export function partitionForKey(key: Uint8Array, partitionCount: number): number {
  return (murmur2(key) & 0x7fffffff) % partitionCount;
}

export interface PartitionerOptions {
  /** batch.size: bytes sent to a sticky partition before moving on. */
  batchSizeBytes?: number;
  random?: () => number;
}

/** Chooses partitions for records; one instance per producer. */
export class DefaultPartitioner {
  private readonly batchSizeBytes: number;
  private readonly random: () => number;
  private readonly sticky = new Map<string, { partition: number; bytes: number }>();

  constructor(options: PartitionerOptions = {}) {
    this.batchSizeBytes = options.batchSizeBytes ?? 16_384;
    this.random = options.random ?? Math.random;
  }

  /**
   * The partition for a record of `sizeBytes` with `key` (null: sticky). `available` lists the
   * partitions that have a leader; an unkeyed record avoids the others.
   */
  partition(
    topic: string,
    key: Uint8Array | null | undefined,
    options: { partitionCount: number; sizeBytes: number; available?: readonly number[] },
  ): number {
    if (key != null) return partitionForKey(key, options.partitionCount);
    let state = this.sticky.get(topic);
    if (
      state === undefined ||
      state.bytes >= this.batchSizeBytes ||
      state.partition >= options.partitionCount
    ) {
      state = {
        partition: this.pick(options.partitionCount, options.available, state?.partition),
        bytes: 0,
      };
      this.sticky.set(topic, state);
    }
    state.bytes += options.sizeBytes;
    return state.partition;
  }

  private pick(count: number, available: readonly number[] | undefined, previous?: number) {
    const pool = available !== undefined && available.length > 0 ? available : range(count);
    if (pool.length === 1) return pool[0]!;
    for (;;) {
      const p = pool[Math.floor(this.random() * pool.length)]!;
      if (p !== previous) return p;
    }
  }
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
