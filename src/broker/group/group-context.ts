// What the parts of the group coordinator (membership, offsets, admin) share.
import type { ClassicGroup } from './classic-group.js';
import type { GroupConfig } from './group-config.js';
import type { CoordinatorRecord } from './group-records.js';
import type { GroupTimer } from './group-timer.js';
import type { OffsetStore } from './offset-store.js';

export interface GroupContext {
  readonly timer: GroupTimer;
  readonly config: GroupConfig;
  readonly groups: Map<string, ClassicGroup>;
  readonly offsets: OffsetStore;
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
