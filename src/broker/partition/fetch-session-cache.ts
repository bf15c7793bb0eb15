// Fetch sessions (KIP-227): a consumer that fetches the same partitions over and over sends
// them once, then only what changed, and the broker answers only partitions with news. The
// session keeps each partition's fetch position and what was last sent (high watermark, log
// start offset). Metadata in the request decides the kind of fetch:
//   id 0, epoch -1   sessionless full fetch       id 0, epoch 0   full fetch, new session
//   id N, epoch -1   close N, sessionless full     id N, epoch k>0 incremental on session N
// The cache holds max.incremental.fetch.session.cache.slots sessions; when full, a session
// idle for longer than the eviction time makes room, else the new fetch runs sessionless.
import { systemClock, systemRandom } from '../../util/index.js';

export const INITIAL_EPOCH = 0;
export const FINAL_EPOCH = -1;
/** Kafka's min.incremental.fetch.session.eviction.ms (not configurable there either). */
export const SESSION_EVICTION_MS = 120_000;

export interface FetchPartition {
  topic: string;
  /** ZERO_UUID when the request names topics. */
  topicId: string;
  partition: number;
  fetchOffset: number;
  logStartOffset: number;
  maxBytes: number;
  currentLeaderEpoch: number;
}

interface CachedPartition extends FetchPartition {
  sentHighWatermark: number;
  sentLogStartOffset: number;
}

export interface PartitionRef {
  topic: string;
  topicId: string;
  partition: number;
}

export interface FetchSessionRequest {
  sessionId: number;
  sessionEpoch: number;
  partitions: readonly FetchPartition[];
  forgotten: readonly PartitionRef[];
  /** Fetch v13+ names topics by id. */
  usesTopicIds: boolean;
}

interface Session {
  id: number;
  epoch: number;
  usesTopicIds: boolean;
  partitions: Map<string, CachedPartition>;
  lastUsedMs: number;
}

export type FetchContext =
  | {
      kind: 'error';
      error:
        | 'FETCH_SESSION_ID_NOT_FOUND'
        | 'INVALID_FETCH_SESSION_EPOCH'
        | 'FETCH_SESSION_TOPIC_ID_ERROR';
    }
  | {
      kind: 'full' | 'incremental';
      sessionId: number;
      partitions: readonly FetchPartition[];
      session: Session | null;
    };

/** What the broker answered for a partition; decides whether an incremental fetch sends it. */
export interface PartitionAnswer {
  errorCode: number;
  highWatermark: number;
  logStartOffset: number;
  recordBytes: number;
}

function keyOf(p: PartitionRef, usesTopicIds: boolean): string {
  return `${usesTopicIds ? p.topicId : p.topic}:${p.partition}`;
}

export class FetchSessionCache {
  private readonly sessions = new Map<number, Session>();

  constructor(
    private readonly options: { maxSessions: number; random?: () => number; nowMs?: () => number },
  ) {}

  get size(): number {
    return this.sessions.size;
  }

  newContext(req: FetchSessionRequest): FetchContext {
    const nowMs = this.now();
    if (req.sessionEpoch === INITIAL_EPOCH || req.sessionEpoch === FINAL_EPOCH) {
      if (req.sessionId !== 0) this.sessions.delete(req.sessionId);
      const session = req.sessionEpoch === INITIAL_EPOCH ? this.create(req, nowMs) : null;
      return { kind: 'full', sessionId: session?.id ?? 0, partitions: req.partitions, session };
    }
    const session = this.sessions.get(req.sessionId);
    if (session === undefined) return { kind: 'error', error: 'FETCH_SESSION_ID_NOT_FOUND' };
    if (session.epoch !== req.sessionEpoch)
      return { kind: 'error', error: 'INVALID_FETCH_SESSION_EPOCH' };
    if (session.usesTopicIds !== req.usesTopicIds) {
      return { kind: 'error', error: 'FETCH_SESSION_TOPIC_ID_ERROR' };
    }
    for (const f of req.forgotten) session.partitions.delete(keyOf(f, session.usesTopicIds));
    for (const p of req.partitions) {
      const key = keyOf(p, session.usesTopicIds);
      const cached = session.partitions.get(key);
      session.partitions.set(key, {
        ...p,
        sentHighWatermark: cached?.sentHighWatermark ?? -1,
        sentLogStartOffset: cached?.sentLogStartOffset ?? -1,
      });
    }
    session.epoch = nextEpoch(session.epoch);
    session.lastUsedMs = nowMs;
    // Re-inserting keeps the most recently used session last, for eviction order.
    this.sessions.delete(session.id);
    this.sessions.set(session.id, session);
    return {
      kind: 'incremental',
      sessionId: session.id,
      partitions: [...session.partitions.values()],
      session,
    };
  }

  /**
   * Records what was answered for `p` and says whether the response carries it: a full fetch
   * carries every partition; an incremental one only those with records, an error or a new
   * high watermark or log start offset. The session's fetch position moves past the records.
   */
  answer(ctx: FetchContext, p: FetchPartition, answer: PartitionAnswer): boolean {
    if (ctx.kind === 'error') return false;
    const cached = ctx.session?.partitions.get(keyOf(p, ctx.session.usesTopicIds));
    const changed =
      cached === undefined ||
      answer.errorCode !== 0 ||
      answer.recordBytes > 0 ||
      cached.sentHighWatermark !== answer.highWatermark ||
      cached.sentLogStartOffset !== answer.logStartOffset;
    if (cached !== undefined) {
      cached.sentHighWatermark = answer.highWatermark;
      cached.sentLogStartOffset = answer.logStartOffset;
      if (ctx.kind === 'incremental' && changed) {
        // Answered partitions go to the back of the session, as in Kafka, so with a tight
        // max_bytes the others get their turn in the next fetches.
        const key = keyOf(p, ctx.session!.usesTopicIds);
        ctx.session!.partitions.delete(key);
        ctx.session!.partitions.set(key, cached);
      }
    }
    return ctx.kind === 'full' || changed;
  }

  private create(req: FetchSessionRequest, nowMs: number): Session | null {
    if (this.sessions.size >= this.options.maxSessions && !this.evictIdle(nowMs)) return null;
    const random = this.options.random ?? systemRandom.next;
    let id = 0;
    while (id === 0 || this.sessions.has(id)) id = 1 + Math.floor(random() * 0x7ffffffe);
    const partitions = new Map<string, CachedPartition>();
    for (const p of req.partitions) {
      partitions.set(keyOf(p, req.usesTopicIds), {
        ...p,
        sentHighWatermark: -1,
        sentLogStartOffset: -1,
      });
    }
    const session: Session = {
      id,
      epoch: 1,
      usesTopicIds: req.usesTopicIds,
      partitions,
      lastUsedMs: nowMs,
    };
    this.sessions.set(id, session);
    return session;
  }

  private evictIdle(nowMs: number): boolean {
    const oldest = this.sessions.values().next();
    if (oldest.done === true || nowMs - oldest.value.lastUsedMs < SESSION_EVICTION_MS) return false;
    this.sessions.delete(oldest.value.id);
    return true;
  }

  private now(): number {
    return (this.options.nowMs ?? systemClock.nowMs)();
  }
}

function nextEpoch(epoch: number): number {
  return epoch >= 0x7fffffff ? 1 : epoch + 1;
}
