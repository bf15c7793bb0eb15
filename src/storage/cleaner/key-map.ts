// The cleaner's map from record key to the newest offset seen for it, bounded by
// log.cleaner.dedupe.buffer.size. Kafka stores 16-byte MD5 digests in a fixed table; we keep
// the exact key bytes (no collisions, so never a wrong deletion) and count an estimate of the
// memory each entry takes against the budget.

/** Estimated bytes of one entry beyond its key: the Map slot, the string header, the number. */
const ENTRY_OVERHEAD_BYTES = 64;

export class KeyMap {
  private readonly offsets = new Map<string, number>();
  private usedBytes = 0;

  constructor(readonly capacityBytes: number) {}

  get size(): number {
    return this.offsets.size;
  }
  get bytesUsed(): number {
    return this.usedBytes;
  }

  /** Records `offset` as the newest for `key`; false (and no change) when the map is full. */
  put(key: Buffer, offset: number): boolean {
    const k = key.toString('latin1');
    const previous = this.offsets.get(k);
    if (previous === undefined) {
      const cost = key.length + ENTRY_OVERHEAD_BYTES;
      if (this.usedBytes + cost > this.capacityBytes) return false;
      this.usedBytes += cost;
    }
    this.offsets.set(k, Math.max(offset, previous ?? -1));
    return true;
  }

  get(key: Buffer): number | undefined {
    return this.offsets.get(key.toString('latin1'));
  }
}
