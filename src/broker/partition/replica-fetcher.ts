// One fetch loop of a follower broker: the partitions it follows whose leader is one broker
// (a share of them when num.replica.fetchers > 1), fetched over one connection to that
// leader's inter-broker listener with the ordinary Fetch API, as Kafka's ReplicaFetcherThread
// does. A partition first truncates (OffsetForLeaderEpoch: where did my latest epoch end on
// the leader? everything of mine past that point diverged and goes), then fetches from its log
// end offset with the leader epoch it knows as current_leader_epoch; the leader's batches are
// appended as they are and its high watermark taken. The fetch offset tells the leader this
// replica's log end, which moves the leader's high watermark and the ISR.
//
// Errors never stop the loop: a partition whose leader answers with a leadership or epoch error
// waits (the metadata will move it), a connection failure or an unexpected answer backs off
// for replica.fetch.backoff.ms and reconnects.
import {
  ErrorCode,
  errorByCode,
  type FetchRequest,
  type FetchResponse,
  type OffsetForLeaderEpochRequest,
  type OffsetForLeaderEpochResponse,
} from '../../protocol/index.js';
import type { Logger, Timers } from '../../util/index.js';
import type { InterBrokerConnection } from './inter-broker-connection.js';
import type { Partition } from './partition.js';
import type { ReplicationQuota } from './replication-quota.js';

const FETCH_API_KEY = 1;
/** v12: flexible, topics by name, replica id in the body (v15 moved it to replica_state). */
const FETCH_VERSION = 12;
const OFFSET_FOR_LEADER_EPOCH_API_KEY = 23;
/** v3+ carries the replica id, so the leader knows the follower asks. */
const OFFSET_FOR_LEADER_EPOCH_VERSION = 4;

export interface ReplicaFetcherConfig {
  /** This broker's id, sent as the fetch's replica id. */
  localId: number;
  /** replica.fetch.max.bytes: per partition. */
  fetchMaxBytes: number;
  /** replica.fetch.response.max.bytes: per response. */
  responseMaxBytes: number;
  /** replica.fetch.wait.max.ms */
  waitMaxMs: number;
  /** replica.fetch.min.bytes */
  minBytes: number;
  /** replica.fetch.backoff.ms */
  backoffMs: number;
}

export interface ReplicaFetcherOptions {
  config: ReplicaFetcherConfig;
  /** The leader this loop fetches from. */
  leaderId: number;
  /** Opens a connection to the leader (rejects when it cannot be reached or is unknown). */
  connect: () => Promise<InterBrokerConnection>;
  timers: Timers;
  /** Monotonic milliseconds (the environment's clock). */
  monotonicMs: () => number;
  logger: Logger;
  /** The follower replication throttle (KIP-73), shared by every loop of this broker. */
  throttle?: ReplicationThrottle;
}

export interface ReplicationThrottle {
  quota: ReplicationQuota;
  /** Whether `follower.replication.throttled.replicas` names this broker's replica of `p`. */
  isThrottled(p: Partition): boolean;
}

interface Followed {
  partition: Partition;
  /** The leader epoch this replica follows in (current_leader_epoch of its requests). */
  leaderEpoch: number;
  /** Truncation first, then fetching. */
  state: 'truncating' | 'fetching';
  /** Until this (monotonic ms), the partition is left out: its leader refused it. */
  delayedUntilMs: number;
}

export class ReplicaFetcher {
  private readonly followed = new Map<string, Followed>();
  private connection: InterBrokerConnection | null = null;
  private running = true;
  private wake: (() => void) | null = null;
  private readonly done: Promise<void>;
  private cancelSleep: (() => void) | null = null;

  constructor(private readonly o: ReplicaFetcherOptions) {
    this.done = this.loop();
  }

  get leaderId(): number {
    return this.o.leaderId;
  }

  get size(): number {
    return this.followed.size;
  }

  /** Follows a partition from now on (truncating first), in `leaderEpoch`. */
  add(partition: Partition, leaderEpoch: number): void {
    const key = keyOf(partition);
    this.followed.set(key, { partition, leaderEpoch, state: 'truncating', delayedUntilMs: 0 });
    this.wake?.();
  }

  remove(partition: Partition): void {
    this.followed.delete(keyOf(partition));
  }

  has(partition: Partition): boolean {
    return this.followed.has(keyOf(partition));
  }

  /** Stops the loop and closes its connection; resolves once the loop has ended. */
  async close(): Promise<void> {
    this.running = false;
    this.wake?.();
    this.cancelSleep?.();
    this.connection?.close();
    await this.done;
  }

  private async loop(): Promise<void> {
    while (this.running) {
      if (this.followed.size === 0) {
        await new Promise<void>((resolve) => (this.wake = resolve));
        this.wake = null;
        continue;
      }
      try {
        const connection = await this.connected();
        const truncating = [...this.followed.values()].filter((f) => f.state === 'truncating');
        if (truncating.length > 0) await this.truncate(connection, truncating);
        else await this.fetch(connection);
      } catch (err) {
        if (!this.running) break;
        this.o.logger.warn(`fetching from broker ${this.o.leaderId} failed; retrying`, {
          err: err instanceof Error ? err.message : String(err),
        });
        this.connection?.close();
        this.connection = null;
        await this.sleep(this.o.config.backoffMs);
      }
    }
    // A connection opened while close() waited would otherwise outlive the fetcher.
    this.connection?.close();
    this.connection = null;
  }

  private async connected(): Promise<InterBrokerConnection> {
    if (this.connection !== null && this.connection.isOpen) return this.connection;
    this.connection = await this.o.connect();
    return this.connection;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const cancel = this.o.timers.schedule(ms, () => {
        this.cancelSleep = null;
        resolve();
      });
      this.cancelSleep = () => {
        cancel();
        this.cancelSleep = null;
        resolve();
      };
    });
  }

  /**
   * OffsetForLeaderEpoch for this replica's latest epoch: the leader answers the largest
   * epoch it has at or below it and where that epoch ended in its log. This replica keeps its
   * log up to that point (or its own end of that epoch, whichever is smaller) and cuts the rest.
   */
  private async truncate(connection: InterBrokerConnection, items: Followed[]): Promise<void> {
    const byTopic = new Map<string, Followed[]>();
    for (const f of items) {
      const list = byTopic.get(f.partition.topic) ?? [];
      list.push(f);
      byTopic.set(f.partition.topic, list);
    }
    const request: OffsetForLeaderEpochRequest = {
      replicaId: this.o.config.localId,
      topics: [...byTopic].map(([topic, list]) => ({
        topic,
        partitions: list.map((f) => ({
          partition: f.partition.partition,
          currentLeaderEpoch: f.leaderEpoch,
          leaderEpoch: f.partition.epochs.latestEpoch,
        })),
      })),
    };
    const response = await connection.send<OffsetForLeaderEpochResponse>(
      OFFSET_FOR_LEADER_EPOCH_API_KEY,
      request,
      { version: OFFSET_FOR_LEADER_EPOCH_VERSION },
    );
    let refused = 0;
    for (const t of response.topics) {
      for (const r of t.partitions) {
        const f = this.followed.get(`${t.topic}-${r.partition}`);
        if (f === undefined || f.state !== 'truncating') continue;
        if (r.errorCode !== ErrorCode.NONE) {
          refused++;
          continue;
        }
        const p = f.partition;
        // Removed meanwhile (it leads now, or is deleted): its log is no longer ours to cut.
        if (this.followed.get(keyOf(p)) !== f) continue;
        await p.truncateAsFollower(truncationOffset(p, r.leaderEpoch, Number(r.endOffset)));
        // Removed or re-added (a newer epoch) meanwhile: that entry truncates again.
        if (this.followed.get(keyOf(p)) === f) f.state = 'fetching';
      }
    }
    // The leader does not know the epoch yet (its metadata is behind) or no longer leads.
    if (refused > 0) await this.sleep(this.o.config.backoffMs);
  }

  private async fetch(connection: InterBrokerConnection): Promise<void> {
    const now = this.o.monotonicMs();
    const throttle = this.o.throttle?.quota.enabled === true ? this.o.throttle : undefined;
    const throttled = new Set<Followed>();
    const budget = throttle?.quota.available() ?? 0;
    const items = [...this.followed.values()].filter((f) => {
      if (f.state !== 'fetching' || f.delayedUntilMs > now) return false;
      if (throttle === undefined || !throttle.isThrottled(f.partition)) return true;
      throttled.add(f);
      return budget > 0;
    });
    if (items.length === 0) {
      const waitMs = throttled.size > 0 ? throttle!.quota.waitMs() : 0;
      await this.sleep(
        waitMs > 0 ? Math.min(waitMs, this.o.config.backoffMs) : this.o.config.backoffMs,
      );
      return;
    }
    const c = this.o.config;
    const maxBytesOf = (f: Followed) =>
      throttled.has(f)
        ? Math.max(1, Math.min(c.fetchMaxBytes, Math.floor(budget)))
        : c.fetchMaxBytes;
    const byTopic = new Map<string, Followed[]>();
    for (const f of items) {
      const list = byTopic.get(f.partition.topic) ?? [];
      list.push(f);
      byTopic.set(f.partition.topic, list);
    }
    const request: FetchRequest = {
      clusterId: null,
      replicaId: c.localId,
      // v12 carries the replica id in the body; replica_state (v15+) keeps its defaults.
      replicaState: { replicaId: -1, replicaEpoch: -1n },
      maxWaitMs: c.waitMaxMs,
      minBytes: c.minBytes,
      maxBytes: c.responseMaxBytes,
      isolationLevel: 0,
      // Sessionless full fetches: every request names its partitions and offsets.
      sessionId: 0,
      sessionEpoch: -1,
      topics: [...byTopic].map(([topic, list]) => ({
        topic,
        topicId: list[0]!.partition.topicId,
        partitions: list.map((f) => ({
          partition: f.partition.partition,
          currentLeaderEpoch: f.leaderEpoch,
          fetchOffset: BigInt(f.partition.logEndOffset),
          lastFetchedEpoch: -1,
          logStartOffset: BigInt(f.partition.logStartOffset),
          partitionMaxBytes: maxBytesOf(f),
          replicaDirectoryId: '00000000-0000-0000-0000-000000000000',
          highWatermark: -1n,
        })),
      })),
      forgottenTopicsData: [],
      rackId: '',
    };
    const response = await connection.send<FetchResponse>(FETCH_API_KEY, request, {
      version: FETCH_VERSION,
      // The leader holds the fetch up to waitMaxMs; the request timeout comes on top.
      timeoutMs: c.waitMaxMs + 30_000,
    });
    if (response.errorCode !== ErrorCode.NONE) {
      throw new Error(`fetch answered ${errorNameOf(response.errorCode)}`);
    }
    // Partitions are independent logs: their appends overlap, so the next fetch (which tells
    // the leader their new log ends) goes out after the slowest one, not after their sum.
    const handled: Promise<void>[] = [];
    for (const t of response.responses) {
      for (const r of t.partitions) {
        const f = this.followed.get(`${t.topic}-${r.partitionIndex}`);
        if (f === undefined || f.state !== 'fetching') continue;
        if (throttled.has(f)) throttle!.quota.record(r.records?.length ?? 0);
        handled.push(this.handlePartition(f, r));
      }
    }
    await Promise.all(handled);
  }

  private async handlePartition(
    f: Followed,
    r: FetchResponse['responses'][number]['partitions'][number],
  ): Promise<void> {
    const p = f.partition;
    // Removed or moved while the fetch was out: the records belong to an older assignment.
    if (this.followed.get(keyOf(p)) !== f) return;
    if (r.errorCode === ErrorCode.NONE) {
      const records = r.records;
      if (records !== null && records.length > 0) {
        try {
          await p.appendAsFollower(records);
        } catch (err) {
          // The leader's batches do not continue this log (it moved on since the fetch): find
          // the point of divergence again.
          if ((err as { code?: string }).code !== 'UNEXPECTED_APPEND_OFFSET') throw err;
          f.state = 'truncating';
          return;
        }
      }
      if (this.followed.get(keyOf(p)) === f)
        p.updateHighWatermarkAsFollower(Number(r.highWatermark));
      return;
    }
    const error = errorNameOf(r.errorCode);
    if (error === 'OFFSET_OUT_OF_RANGE') {
      const leaderLogStart = Number(r.logStartOffset);
      if (leaderLogStart > p.logEndOffset) {
        // The leader no longer has the records after this replica's end (retention or
        // DeleteRecords moved its log start on): start over from its log start.
        await p.restartAsFollowerAt(leaderLogStart);
        return;
      }
      // This replica's log end is past the leader's: it holds a suffix the leader does not.
      f.state = 'truncating';
      return;
    }
    // NOT_LEADER_OR_FOLLOWER, FENCED/UNKNOWN_LEADER_EPOCH, UNKNOWN_TOPIC_OR_PARTITION, ...: the
    // leader's view and this one differ until the metadata reaches both; retry after a pause.
    f.delayedUntilMs = this.o.monotonicMs() + this.o.config.backoffMs;
  }
}

/**
 * Where a follower cuts its log, from the leader's answer (epoch, end offset) to
 * OffsetForLeaderEpoch for the follower's latest epoch, as Kafka's fetcher decides it.
 */
export function truncationOffset(
  p: Partition,
  leaderEpoch: number,
  leaderEndOffset: number,
): number {
  const logEnd = p.logEndOffset;
  // The leader has no epoch at or below ours (or we have none): keep what is known committed.
  if (leaderEpoch < 0 || leaderEndOffset < 0) return Math.min(p.highWatermark, logEnd);
  if (leaderEpoch === p.epochs.latestEpoch) return Math.min(leaderEndOffset, logEnd);
  // The leader's answer names an older epoch: keep at most where that epoch ended here too.
  const local = p.endOffsetForEpoch(leaderEpoch);
  const localEnd = local.endOffset < 0 ? logEnd : local.endOffset;
  return Math.min(leaderEndOffset, localEnd, logEnd);
}

function keyOf(p: Partition): string {
  return `${p.topic}-${p.partition}`;
}

function errorNameOf(code: number): string {
  return errorByCode(code).name;
}
