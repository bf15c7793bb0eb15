// The record cache of one stream thread (Kafka's ThreadCache): the caching stores of all the
// thread's tasks share one budget, `statestore.cache.max.bytes` divided by the number of
// threads. A store that puts past the budget evicts its own least recently written entries,
// which writes them through to the store below (and its changelog) and forwards them
// downstream, as Kafka's NamedCache eviction does.

/** What an entry costs beyond its key and value bytes (Kafka counts a similar overhead). */
export const CACHE_ENTRY_OVERHEAD_BYTES = 64;

export class ThreadCache {
  private sizeBytesValue = 0;

  constructor(readonly maxBytes: number) {}

  get sizeBytes(): number {
    return this.sizeBytesValue;
  }

  /** Records a change of the bytes held by one of the thread's caches. */
  adjust(deltaBytes: number): void {
    this.sizeBytesValue += deltaBytes;
  }

  get overLimit(): boolean {
    return this.sizeBytesValue > this.maxBytes;
  }
}
