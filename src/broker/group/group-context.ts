// What the parts of the group coordinator (membership, offsets, admin) share.
import type { ClassicGroup } from './classic-group.js';
import type { ConsumerGroup } from './consumer-group.js';
import type { GroupConfig } from './group-config.js';
import type { CoordinatorRecord } from './group-records.js';
import type { GroupTimer } from './group-timer.js';
import type { OffsetStore } from './offset-store.js';

export interface GroupContext {
  readonly timer: GroupTimer;
  readonly config: GroupConfig;
  readonly groups: Map<string, ClassicGroup>;
  readonly offsets: OffsetStore;
  /** KIP-848 consumer groups, by group id (never the same id as a classic group). */
  readonly consumerGroups: Map<string, ConsumerGroup>;
  readonly topics: TopicLookup;
  /**
   * Appends records to the group's partition and, once written, replays them. Resolves with
   * an error code: NONE, or the code to give the client when the write failed.
   */
  write(groupId: string, records: CoordinatorRecord[]): Promise<number>;
  /** NONE when this coordinator serves the group now; else NOT_COORDINATOR or COORDINATOR_LOAD_IN_PROGRESS. */
  checkGroup(groupId: string): number;
  /** A fresh member id for a client: `<client.id>-<uuid>`, as Kafka makes them. */
  newMemberId(clientId: string): string;
}

/** What the coordinator needs to know about topics (from the metadata image). */
export interface TopicLookup {
  byName(name: string): { topicId: string; partitionCount: number } | undefined;
  byId(topicId: string): { name: string; partitionCount: number } | undefined;
}

export const NO_TOPICS: TopicLookup = { byName: () => undefined, byId: () => undefined };
