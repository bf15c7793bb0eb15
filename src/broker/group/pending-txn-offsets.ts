// Transactional offset commits whose transaction has not ended yet, per producer id: written
// to __consumer_offsets as the producer's transactional batch, invisible to OffsetFetch until
// the transaction's COMMIT marker lands in the group's partition (then they become committed
// offsets) or its ABORT marker (then they are dropped). Only replay writes here.
import type { CommittedOffset } from './offset-store.js';
import { OffsetStore } from './offset-store.js';

export class PendingTxnOffsets {
  private readonly byProducer = new Map<bigint, OffsetStore>();
  /** The producers with pending offsets in each group. */
  private readonly openByGroup = new Map<string, Set<bigint>>();

  add(
    producerId: bigint,
    key: { groupId: string; topic: string; partition: number },
    value: CommittedOffset,
  ): void {
    let offsets = this.byProducer.get(producerId);
    if (!offsets) this.byProducer.set(producerId, (offsets = new OffsetStore()));
    offsets.set(key.groupId, key.topic, key.partition, value);
    let open = this.openByGroup.get(key.groupId);
    if (!open) this.openByGroup.set(key.groupId, (open = new Set()));
    open.add(producerId);
  }

  /** A tombstone removes the partition's pending offsets of every producer too, as in Kafka. */
  deletePartition(groupId: string, topic: string, partition: number): void {
    for (const producerId of this.openByGroup.get(groupId) ?? []) {
      this.byProducer.get(producerId)?.delete(groupId, topic, partition);
    }
  }

  /** Forgets the pending offsets of every group `dropped` accepts (their partition was unloaded). */
  deleteGroups(dropped: (groupId: string) => boolean): void {
    for (const [groupId, open] of [...this.openByGroup]) {
      if (!dropped(groupId)) continue;
      for (const producerId of open) {
        const offsets = this.byProducer.get(producerId);
        if (offsets === undefined) continue;
        for (const [topic, parts] of [...offsets.topicsOf(groupId)]) {
          for (const partition of [...parts.keys()]) offsets.delete(groupId, topic, partition);
        }
        if (offsets.size === 0) this.byProducer.delete(producerId);
      }
      this.openByGroup.delete(groupId);
    }
  }

  /** Whether an ongoing transaction holds an offset for this partition of the group. */
  has(groupId: string, topic: string, partition: number): boolean {
    for (const producerId of this.openByGroup.get(groupId) ?? []) {
      if (this.byProducer.get(producerId)?.get(groupId, topic, partition)) return true;
    }
    return false;
  }

  /** Whether the group has an ongoing transaction with offsets in it. */
  hasOpenTransactions(groupId: string): boolean {
    return this.openByGroup.has(groupId);
  }

  /** Every partition of the group with a pending offset, by topic. */
  partitionsOf(groupId: string): Map<string, Set<number>> {
    const out = new Map<string, Set<number>>();
    for (const producerId of this.openByGroup.get(groupId) ?? []) {
      const topics = this.byProducer.get(producerId)?.topicsOf(groupId) ?? new Map();
      for (const [topic, parts] of topics) {
        let set = out.get(topic);
        if (!set) out.set(topic, (set = new Set()));
        for (const p of parts.keys()) set.add(p);
      }
    }
    return out;
  }

  /**
   * Ends the producer's transaction in the groups `inPartition` accepts (those of the
   * __consumer_offsets partition the marker was written to): returns their pending offsets
   * and forgets them.
   */
  take(
    producerId: bigint,
    inPartition: (groupId: string) => boolean,
  ): { groupId: string; topic: string; partition: number; value: CommittedOffset }[] {
    const offsets = this.byProducer.get(producerId);
    const out = [];
    for (const [groupId, open] of [...this.openByGroup]) {
      if (!open.has(producerId) || !inPartition(groupId)) continue;
      open.delete(producerId);
      if (open.size === 0) this.openByGroup.delete(groupId);
      if (!offsets) continue;
      const taken = [];
      for (const [topic, parts] of offsets.topicsOf(groupId)) {
        for (const [partition, value] of parts) taken.push({ groupId, topic, partition, value });
      }
      for (const o of taken) offsets.delete(groupId, o.topic, o.partition);
      out.push(...taken);
    }
    if (offsets?.size === 0) this.byProducer.delete(producerId);
    return out;
  }

  /** Pending offsets over all producers. */
  get size(): number {
    let n = 0;
    for (const offsets of this.byProducer.values()) n += offsets.size;
    return n;
  }
}
