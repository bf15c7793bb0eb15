// What the parts of the group coordinator (membership, offsets, admin) share.
import type { ClassicGroup } from './classic-group.js';
import type { ConsumerGroup } from './consumer-group.js';
import type { ConsumerGroupTimeouts, GroupConfig } from './group-config.js';
import type { CoordinatorRecord } from './group-records.js';
import type { TxnProducer } from './coordinator-log.js';
import type { OffsetStore } from './offset-store.js';
import type { PendingTxnOffsets } from './pending-txn-offsets.js';
import type { Logger } from '../logger.js';
import type { Clock, Timers } from '../../util/index.js';

export interface GroupContext {
  /** Told of each completed rebalance (a new generation or target assignment), for metrics. */
  readonly onRebalance?: (protocol: 'classic' | 'consumer') => void;
  readonly clock: Clock;
  readonly timers: Timers;
  readonly config: GroupConfig;
  readonly groups: Map<string, ClassicGroup>;
  readonly offsets: OffsetStore;
  /** Offsets of transactions not ended yet (TxnOffsetCommit), invisible to OffsetFetch. */
  readonly pending: PendingTxnOffsets;
  /** KIP-848 consumer groups, by group id (never the same id as a classic group). */
  readonly consumerGroups: Map<string, ConsumerGroup>;
  readonly topics: TopicLookup;
  /**
   * Appends records to the group's partition and, once written, replays them. Resolves with
   * an error code: NONE, or the code to give the client when the write failed.
   */
  write(groupId: string, records: CoordinatorRecord[]): Promise<number>;
  /**
   * Appends offset commit records as a transactional batch of `producer` (the group's
   * partition must be in its ongoing transaction) and, once written, replays them as pending
   * offsets of that producer. Resolves with NONE or the client's error code.
   */
  writeTransactional(
    groupId: string,
    records: CoordinatorRecord[],
    producer: TxnProducer,
  ): Promise<number>;
  /** NONE when this coordinator serves the group now; else NOT_COORDINATOR or COORDINATOR_LOAD_IN_PROGRESS. */
  checkGroup(groupId: string): number;
  /** A fresh member id for a client: `<client.id>-<uuid>`, as Kafka makes them. */
  newMemberId(clientId: string): string;
  /** A consumer group's session timeout and heartbeat interval: its own configs, else the broker's. */
  consumerTimeouts(groupId: string): ConsumerGroupTimeouts;
  /** kafka.coordinator.group: rebalances. */
  readonly logger: Logger;
}

/** What the coordinator needs to know about topics (from the metadata image). */
export interface TopicLookup {
  byName(name: string): { topicId: string; partitionCount: number } | undefined;
  byId(topicId: string): { name: string; partitionCount: number } | undefined;
  /** Every topic name, for regular-expression subscriptions. */
  names(): readonly string[];
}

export const NO_TOPICS: TopicLookup = {
  byName: () => undefined,
  byId: () => undefined,
  names: () => [],
};
