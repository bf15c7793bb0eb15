// Committed offsets per group, topic and partition: the state that replaying offset commit
// records builds. Only replay writes here.
import type { OffsetAndMetadata } from './group-records.js';

/** A committed offset and the offset of the record that committed it in __consumer_offsets. */
export interface CommittedOffset extends OffsetAndMetadata {
  recordOffset: number;
}

type TopicOffsets = Map<number, CommittedOffset>;

export class OffsetStore {
  private readonly byGroup = new Map<string, Map<string, TopicOffsets>>();

  get(groupId: string, topic: string, partition: number): CommittedOffset | undefined {
    return this.byGroup.get(groupId)?.get(topic)?.get(partition);
  }

  set(groupId: string, topic: string, partition: number, value: CommittedOffset): void {
    let topics = this.byGroup.get(groupId);
    if (!topics) this.byGroup.set(groupId, (topics = new Map()));
    let partitions = topics.get(topic);
    if (!partitions) topics.set(topic, (partitions = new Map()));
    partitions.set(partition, value);
  }

  delete(groupId: string, topic: string, partition: number): void {
    const topics = this.byGroup.get(groupId);
    const partitions = topics?.get(topic);
    if (!topics || !partitions) return;
    partitions.delete(partition);
    if (partitions.size === 0) topics.delete(topic);
    if (topics.size === 0) this.byGroup.delete(groupId);
  }

  /** Forgets every offset of a group (its partition was unloaded). */
  deleteGroup(groupId: string): void {
    this.byGroup.delete(groupId);
  }

  hasOffsets(groupId: string): boolean {
    return this.byGroup.has(groupId);
  }

  /** Every committed offset of a group, grouped by topic. */
  topicsOf(groupId: string): ReadonlyMap<string, ReadonlyMap<number, CommittedOffset>> {
    return this.byGroup.get(groupId) ?? new Map();
  }

  groupIds(): IterableIterator<string> {
    return this.byGroup.keys();
  }

  /** How many offsets are kept, over all groups. */
  get size(): number {
    let n = 0;
    for (const topics of this.byGroup.values()) for (const p of topics.values()) n += p.size;
    return n;
  }
}
