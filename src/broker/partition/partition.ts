// One partition this node holds a replica of: its log, producer state, leader epochs and
// replica state (role, replicas, ISR, followers' log end offsets, high watermark; see
// replica-state.ts). As leader it takes appends; as follower it keeps its log and refuses them
// (NOT_LEADER_OR_FOLLOWER). Appends run one at a time through the partition's queue, so the
// producer-state check, the write and the state update of one batch are never interleaved with
// another's. After each write the leader advances the high watermark by Kafka's rule (the
// smallest log end offset of the ISR); acks=all appends wait for it in the delayed-produce
// purgatory. The last stable offset is the first offset of the oldest open transaction, bounded
// by the high watermark. Transaction markers (COMMIT/ABORT control batches) go through the same
// queue; aborts are recorded in the aborted-transaction index.
import type { ErrorName } from '../../protocol/errors.js';
import {
  BatchHeader,
  ControlRecordType,
  encodeRecordBatchSync,
  endTxnMarker,
} from '../../protocol/records/index.js';
import {
  AbortedTxnIndex,
  type AbortedTxn,
  LeaderEpochCache,
  type AppendResult,
  producerBatchInfo,
  type ProducerBatchInfo,
  listSnapshotOffsets,
  recoverProducerState,
  replayProducerBatch,
  snapshotPath,
  snapshotProducerState,
  type CompletedTxn,
  type LogConfig,
  type PartitionLog,
  ProducerStateManager,
  type ReadResult,
  type TimestampOffset,
} from '../../storage/index.js';
import { flushAfterAppend } from '../../storage/index.js';
import type { BufferPool } from '../../util/index.js';
import { SerialQueue } from '../../util/serial-queue.js';
import { isStorageFailure } from './storage-failure.js';
import { DelayedProduces } from './delayed-produce.js';
import { systemTimers, type Timers } from '../../util/index.js';
import { ReplicaState, type PartitionRole, type ReplicaAssignment } from './replica-state.js';
import {
  needsRecordValidation,
  validateBatch,
  validateRecords,
  type BatchValidationOptions,
} from './batch-validator.js';
import type { AppendSink, PartitionAppendResult } from './append-results.js';

export type { PartitionAppendResult } from './append-results.js';

export interface PartitionAppendOptions extends Omit<BatchValidationOptions, 'config'> {
  /**
   * -1 (acks=all) waits for a flush when the topic's flush settings ask for one, then for the
   * high watermark to pass the batch (the delayed produce).
   */
  acks: number;
  /** The produce request's timeout.ms: how long an acks=all append waits for the ISR. */
  timeoutMs?: number;
  /** The topic's min.insync.replicas: acks=all with a smaller ISR is NOT_ENOUGH_REPLICAS. */
  minInsyncReplicas?: number;
}

/** One batch to append, and where its result goes. */
export interface PartitionAppend {
  records: Buffer | null;
  /** The view of the batch header, made once on the produce path (null: none made yet). */
  header?: BatchHeader | null;
  options: PartitionAppendOptions;
  sink: AppendSink;
  /** The slot of `sink` the result fills. */
  slot: number;
}

export interface PartitionReadOptions {
  maxBytes: number;
  /** 0 read_uncommitted (up to the high watermark), 1 read_committed (up to the LSO). */
  isolationLevel: number;
  minOneBatch: boolean;
  /** Read into a buffer of this pool (see ReadOptions.buffers). */
  buffers?: BufferPool;
  /** A follower's fetch reads up to the log end, not the high watermark. */
  toLogEnd?: boolean;
}

export interface TxnMarker {
  producerId: bigint;
  producerEpoch: number;
  coordinatorEpoch: number;
  commit: boolean;
}

export interface PartitionReadResult extends ReadResult {
  /** read_committed only: the aborted transactions the returned records may hold. */
  abortedTransactions: AbortedTxn[] | null;
}

interface AcceptedAppend {
  item: PartitionAppend;
  batch: Buffer;
  header: BatchHeader;
  /** Offsets the batch takes (lastOffsetDelta + 1). */
  records: number;
  info: ProducerBatchInfo | null;
}

export class Partition {
  /** Appends and markers, one at a time in call order. */
  private readonly queue = new SerialQueue();
  /** Appends of this turn, not yet queued (see append). */
  private pending: PartitionAppend[] = [];
  private readonly appendListeners = new Set<(bytes: number) => void>();
  /** Told of appended bytes once the high watermark covers them (consumers' fetches). */
  private readonly committedListeners = new Set<(bytes: number) => void>();
  /** Appends not yet under the high watermark: their end offset and bytes, in log order. */
  private uncovered: { endOffset: number; bytes: number }[] = [];

  private constructor(
    readonly topic: string,
    readonly partition: number,
    readonly log: PartitionLog,
    readonly producers: ProducerStateManager,
    readonly epochs: LeaderEpochCache,
    readonly abortedTxns: AbortedTxnIndex,
    public topicId: string,
    public leaderEpoch: number,
    private readonly replica: ReplicaState,
    private readonly delayed: DelayedProduces,
    private readonly defer: (fn: () => void) => void,
  ) {}

  /**
   * Wraps an opened log: recovers producer state and takes its role. A leader records its
   * leader epoch; a follower's epochs come from its leader's batches. Without an assignment
   * this node (`localId`, default 0) leads alone.
   */
  static async open(log: PartitionLog, options: PartitionOpenOptions): Promise<Partition> {
    const localId = options.localId ?? 0;
    const assignment = options.assignment ?? {
      leader: localId,
      leaderEpoch: options.leaderEpoch,
      replicas: [localId],
      isr: [localId],
    };
    const leads = assignment.leader === localId;
    const make = (
      producers: ProducerStateManager,
      epochs: LeaderEpochCache,
      index: AbortedTxnIndex,
    ): Partition =>
      new Partition(
        log.topic,
        log.partition,
        log,
        producers,
        epochs,
        index,
        options.topicId,
        options.leaderEpoch,
        new ReplicaState(
          localId,
          assignment,
          startHighWatermark(log, assignment, options),
          options.nowMs,
        ),
        new DelayedProduces(options.timers ?? systemTimers),
        options.defer ?? setImmediate,
      );
    if (log.fresh) {
      // A log this process has just created: its folder holds nothing to recover or load.
      const epochs = LeaderEpochCache.empty(log.fs, log.dir);
      if (leads) await epochs.assign(options.leaderEpoch, log.logEndOffset, { newFile: true });
      return make(new ProducerStateManager(), epochs, new AbortedTxnIndex(log.fs, log.dir));
    }
    // The folder's listing from the log's own loading, so absent files are not probed.
    const files = log.takeFilesAtOpen();
    const { state, abortedTxns } = await recoverProducerState(log, { files });
    const index = await AbortedTxnIndex.load(log.fs, log.dir, {
      segmentBaseOffsets: log.segmentBaseOffsets,
      endOffset: log.logEndOffset,
      files,
    });
    // Both files below take their entries in memory before writing them. On a full disk the
    // partition opens all the same (and serves reads): the next start finds the marker again
    // in the log, and the metadata's leader epoch again.
    const survive = (err: unknown): void => {
      if (!isStorageFailure(err)) throw err;
    };
    // A crash between an ABORT marker's append and its index write: replay found the marker.
    for (const txn of abortedTxns) {
      if (index.has(txn.producerId, txn.lastOffset)) continue;
      const entry = { ...txn, lastStableOffset: txn.lastOffset };
      await index.add(entry, segmentBaseFor(log.segmentBaseOffsets, txn.lastOffset)).catch(survive);
    }
    index.trimBefore(log.logStartOffset);
    const epochs = await LeaderEpochCache.load(log.fs, log.dir, log.logEndOffset, files);
    // An empty log needs no fsync here: no record carries the epoch yet, and a partition
    // opened after a crash assigns its epoch again.
    const empty = log.logEndOffset === log.logStartOffset;
    if (leads) {
      await epochs.assign(options.leaderEpoch, log.logEndOffset, { sync: !empty }).catch(survive);
    }
    return make(state, epochs, index);
  }

  get config(): LogConfig {
    return this.log.config;
  }

  get role(): PartitionRole {
    return this.replica.role;
  }

  get isLeader(): boolean {
    return this.replica.isLeader;
  }

  /** The leader's broker id in this node's view (the metadata image). */
  get leaderId(): number {
    return this.replica.leader;
  }

  get replicas(): readonly number[] {
    return this.replica.replicas;
  }

  get isr(): readonly number[] {
    return this.replica.isr;
  }

  /** What the leader knows of a follower's replica (undefined on a follower). */
  followerState(
    replicaId: number,
  ): { logEndOffset: number; lastCaughtUpTimeMs: number } | undefined {
    const state = this.replica.follower(replicaId);
    if (state === undefined) return undefined;
    return { logEndOffset: state.logEndOffset, lastCaughtUpTimeMs: state.lastCaughtUpTimeMs };
  }

  /** The offset below which every in-sync replica has the records; consumers read up to it. */
  get highWatermark(): number {
    return this.replica.highWatermark;
  }

  get logEndOffset(): number {
    return this.log.logEndOffset;
  }

  /** acks=all appends waiting for the high watermark. */
  get delayedProduces(): number {
    return this.delayed.size;
  }

  get lastStableOffset(): number {
    const unstable = this.producers.firstUnstableOffset();
    const hw = this.highWatermark;
    return unstable === null || unstable > hw ? hw : unstable;
  }

  get logStartOffset(): number {
    return this.log.logStartOffset;
  }

  /**
   * Called with the bytes appended after every successful append (a follower's fetch waiting
   * in the purgatory), or with `committed` once the high watermark covers them (a consumer's).
   */
  onAppend(listener: (bytes: number) => void, options: { committed?: boolean } = {}): () => void {
    const set = options.committed === true ? this.committedListeners : this.appendListeners;
    set.add(listener);
    return () => set.delete(listener);
  }

  /** `bytes` now end at `endOffset` in the log: tells the listeners that can use them. */
  private published(bytes: number, endOffset: number): void {
    for (const listener of this.appendListeners) listener(bytes);
    if (this.uncovered.length === 0 && this.highWatermark >= endOffset) {
      for (const listener of this.committedListeners) listener(bytes);
      return;
    }
    this.uncovered.push({ endOffset, bytes });
    this.releaseCovered();
  }

  /** The high watermark moved: tells consumers' fetches of the bytes it now covers. */
  private releaseCovered(): void {
    let bytes = 0;
    let covered = 0;
    const hw = this.highWatermark;
    while (covered < this.uncovered.length && this.uncovered[covered]!.endOffset <= hw) {
      bytes += this.uncovered[covered]!.bytes;
      covered++;
    }
    if (covered === 0) return;
    this.uncovered = this.uncovered.slice(covered);
    for (const listener of this.committedListeners) listener(bytes);
  }

  /**
   * Validates and appends one produce batch. Batches arriving within one turn of the event loop
   * (pipelined requests, several connections) are collected and then validated, offset-assigned
   * and written in call order with one vectored write per group; each call resolves after the
   * write that holds its batch. Call order is log order.
   */
  append(records: Buffer | null, options: PartitionAppendOptions): Promise<PartitionAppendResult> {
    return new Promise((resolve, reject) => {
      const sink: AppendSink = {
        done: (_, result) => resolve(result),
        fail: (_, err) => reject(err),
      };
      this.appendTo({ records, options, sink, slot: 0 });
    });
  }

  /** As `append`, with the result going to a slot of a sink (the produce path's form). */
  appendTo(item: PartitionAppend): void {
    this.pending.push(item);
    if (this.pending.length === 1) this.defer(this.startGroupAtTurnEnd);
  }

  private readonly startGroupAtTurnEnd = (): void => this.startGroup();

  /** Queues the batches collected so far as one group (before a marker or at the turn's end). */
  private startGroup(): void {
    if (this.pending.length === 0) return;
    const group = this.pending;
    this.pending = [];
    // An unexpected failure (a bug, not a disk error) fails the appends not yet answered.
    this.queue
      .run(() => this.appendGroup(group))
      .catch((err: unknown) => {
        for (const item of group) item.sink.fail(item.slot, err);
      });
  }

  /**
   * Checks each batch in order and writes the accepted ones together. Two batches of one
   * producer are never in one write: the second one's sequence check needs the first one's
   * state update, which happens only after its write. Writes also stay within segment.bytes.
   */
  private async appendGroup(group: PartitionAppend[]): Promise<void> {
    let chunk: AcceptedAppend[] = [];
    let chunkBytes = 0;
    // Producer ids in `chunk`; made on the first batch that has one.
    let producers: Set<bigint> | null = null;
    // Only compressed batches and compacted topics need an asynchronous check (walking the
    // records); uncompressed batches elsewhere are checked without giving up the turn.
    const compacted = this.config.cleanupPolicy !== 'delete';
    for (const item of group) {
      let valid = this.validate(item);
      if (valid !== null && needsRecordValidation(valid.header, compacted)) {
        valid = await this.validateRecords(valid, compacted);
      }
      if (valid === null) continue;
      const producerId = valid.info?.producerId;
      const full = chunkBytes + valid.batch.length > this.config.segmentBytes;
      const sameProducer = producerId !== undefined && producers?.has(producerId) === true;
      if (chunk.length > 0 && (full || sameProducer)) {
        await this.write(chunk);
        chunk = [];
        chunkBytes = 0;
        producers?.clear();
      }
      if (!this.checkSequence(valid)) continue;
      chunk.push(valid);
      chunkBytes += valid.batch.length;
      if (producerId !== undefined) (producers ??= new Set()).add(producerId);
    }
    if (chunk.length > 0) await this.write(chunk);
  }

  /** The batch checks that need no producer state; answers a rejected batch at once. */
  private validate(item: PartitionAppend): AcceptedAppend | null {
    const o = item.options;
    const refused = this.refusal(o);
    if (refused !== null) {
      item.sink.done(item.slot, this.failed(refused.error, refused.message));
      return null;
    }
    // A literal of one fixed shape, not a spread: spreading made a new hidden class per call
    // and turned every read of the options in the validator megamorphic.
    const validated = validateBatch(
      item.records,
      {
        config: this.config,
        nowMs: o.nowMs,
        timestampBeforeMaxMs: o.timestampBeforeMaxMs,
        timestampAfterMaxMs: o.timestampAfterMaxMs,
        apiVersion: o.apiVersion,
      },
      item.header,
    );
    if (validated.error !== null) {
      item.sink.done(item.slot, this.failed(validated.error, validated.message));
      return null;
    }
    const h = validated.header;
    const info = h.hasProducerId ? producerBatchInfo(h) : null;
    return { item, batch: item.records!, header: h, records: h.lastOffsetDelta + 1, info };
  }

  /** Why this partition takes no append now: it follows, or acks=all lacks in-sync replicas. */
  private refusal(o: PartitionAppendOptions): { error: ErrorName; message: string } | null {
    if (!this.replica.isLeader) {
      const message = `this broker is not the leader of ${this.topic}-${this.partition}`;
      return { error: 'NOT_LEADER_OR_FOLLOWER', message };
    }
    // Kafka refuses an acks=all append before writing it when the ISR is too small.
    const minIsr = o.minInsyncReplicas ?? 1;
    if (o.acks === -1 && this.replica.isr.length < minIsr) {
      const isr = this.replica.isr.length;
      const message = `the in-sync replicas (${isr}) are fewer than min.insync.replicas (${minIsr})`;
      return { error: 'NOT_ENOUGH_REPLICAS', message };
    }
    return null;
  }

  /** The checks inside the records region; answers a rejected batch at once. */
  private async validateRecords(
    valid: AcceptedAppend,
    compacted: boolean,
  ): Promise<AcceptedAppend | null> {
    const refused = await validateRecords(valid.batch, valid.header, { compacted });
    if (refused === null) return valid;
    const result = this.failed(refused.error, refused.message);
    if (refused.recordErrors.length > 0) result.recordErrors = refused.recordErrors;
    valid.item.sink.done(valid.item.slot, result);
    return null;
  }

  /** The idempotent sequence check; answers rejected and duplicate batches at once. */
  private checkSequence(a: AcceptedAppend): boolean {
    if (a.info === null) return true;
    const check = this.producers.check(a.info);
    if (check.kind === 'error') {
      a.item.sink.done(a.item.slot, this.failed(check.error, check.message));
      return false;
    }
    if (check.kind === 'duplicate') {
      // A retried batch: answer with the offsets it got the first time, as Kafka does.
      a.item.sink.done(a.item.slot, this.ok(check.firstOffset, -1));
      return false;
    }
    return true;
  }

  /** One vectored write of accepted batches; a failed write fails every one of them. */
  private async write(chunk: AcceptedAppend[]): Promise<void> {
    const segmentsBefore = this.log.segmentCount;
    const batches: Buffer[] = [];
    const headers: BatchHeader[] = [];
    for (const a of chunk) {
      batches.push(a.batch);
      headers.push(a.header);
    }
    let result: AppendResult;
    try {
      result = await this.log.append(batches, { leaderEpoch: this.leaderEpoch, headers });
    } catch (err) {
      // The log cut the failed write off and stays usable; the producers may retry.
      if (!isStorageFailure(err)) throw err;
      const failed = this.failed('KAFKA_STORAGE_ERROR', String(err));
      for (const a of chunk) a.item.sink.done(a.item.slot, failed);
      return;
    }
    let baseOffset = result.baseOffset;
    let bytes = 0;
    const answers: PartitionAppendResult[] = [];
    for (const a of chunk) {
      const lastOffset = baseOffset + a.records - 1;
      if (a.info !== null) this.producers.update(a.info, baseOffset, lastOffset);
      answers.push(this.ok(baseOffset, result.logAppendTimeMs));
      bytes += a.batch.length;
      baseOffset = lastOffset + 1;
    }
    this.advanceHighWatermark();
    // Kafka snapshots producer state when a segment rolls, so replay after a crash is short.
    // A snapshot that cannot be written only makes that replay longer.
    if (this.log.segmentCount > segmentsBefore) {
      await snapshotProducerState(this.log, this.producers).catch(() => undefined);
    }
    this.published(bytes, this.log.logEndOffset);
    let flush = false;
    for (let i = 0; i < chunk.length; i++) {
      const { item } = chunk[i]!;
      if (item.options.acks === -1) flush = true;
      else item.sink.done(item.slot, answers[i]!);
    }
    if (!flush) return;
    let flushFailed: PartitionAppendResult | null = null;
    if (flushAfterAppend(this.log, this.config)) {
      try {
        await this.log.flush();
      } catch (err) {
        // acks=all promised durability the disk could not give (a failed fsync).
        if (!isStorageFailure(err)) throw err;
        flushFailed = this.failed('KAFKA_STORAGE_ERROR', String(err));
      }
    }
    let next = result.baseOffset;
    for (let i = 0; i < chunk.length; i++) {
      const { item, records } = chunk[i]!;
      next += records;
      if (item.options.acks !== -1) continue;
      if (flushFailed !== null) item.sink.done(item.slot, flushFailed);
      else this.completeWhenReplicated(item, { answer: answers[i]!, requiredOffset: next });
    }
  }

  /**
   * acks=all: answers once the high watermark reaches `requiredOffset` (the batch's last offset
   * + 1), at once when it already has (always, on a single node).
   */
  private completeWhenReplicated(
    item: PartitionAppend,
    { answer, requiredOffset }: { answer: PartitionAppendResult; requiredOffset: number },
  ): void {
    if (this.highWatermark >= requiredOffset) {
      item.sink.done(item.slot, this.afterReplication(item, answer));
      return;
    }
    item.sink.waiting?.();
    this.delayed.wait(requiredOffset, item.options.timeoutMs ?? 30_000, (error) => {
      if (error === null) {
        item.sink.done(item.slot, this.afterReplication(item, answer));
        return;
      }
      const message =
        error === 'REQUEST_TIMED_OUT'
          ? 'the in-sync replicas did not all get the batch in time'
          : 'this broker stopped leading the partition';
      item.sink.done(item.slot, this.failed(error, message));
    });
  }

  /**
   * Kafka's DelayedProduce: the batch is under the high watermark, but when the ISR shrank
   * below min.insync.replicas meanwhile, fewer replicas than promised have it.
   */
  private afterReplication(
    item: PartitionAppend,
    answer: PartitionAppendResult,
  ): PartitionAppendResult {
    const minIsr = item.options.minInsyncReplicas ?? 1;
    if (this.replica.isr.length >= minIsr) return answer;
    const message = `the in-sync replicas (${this.replica.isr.length}) fell below min.insync.replicas (${minIsr}) while the batch waited`;
    return this.failed('NOT_ENOUGH_REPLICAS_AFTER_APPEND', message);
  }

  /** Kafka's rule, after every change of a log end offset in the ISR (see ReplicaState). */
  private advanceHighWatermark(): void {
    if (!this.replica.maybeIncrementHighWatermark(this.log.logEndOffset)) return;
    if (this.delayed.size > 0) this.delayed.highWatermarkMoved(this.replica.highWatermark);
    if (this.uncovered.length > 0) this.releaseCovered();
  }

  /**
   * A follower's fetch (a Fetch with its replica id): its fetch offset is its log end offset.
   * The leader records it and advances the high watermark. Returns false when `replicaId` is
   * not a follower of this partition on this leader.
   */
  updateFollowerFetchState(replicaId: number, fetchOffset: number, nowMs: number): boolean {
    const known = this.replica.updateFollower(replicaId, {
      logEndOffset: fetchOffset,
      leaderLogEndOffset: this.log.logEndOffset,
      nowMs,
    });
    if (known) this.advanceHighWatermark();
    return known;
  }

  /**
   * Writes a COMMIT or ABORT marker for a producer (WriteTxnMarkers): the producer's open
   * transaction here ends, and an abort is recorded in the aborted-transaction index. A marker
   * for a producer with no open transaction is still written, as Kafka does.
   */
  async writeTxnMarker(
    marker: TxnMarker,
    options: { nowMs: number; timeoutMs?: number },
  ): Promise<{ error: ErrorName | null }> {
    // Batches appended before the marker go to the log before it.
    this.startGroup();
    const written = await this.queue.run(() => this.doWriteTxnMarker(marker, options.nowMs));
    if (written.error !== null) return { error: written.error };
    // As Kafka appends markers with acks=all: the coordinator counts a marker written only
    // once the ISR has it, so a leader change cannot leave the transaction open on the new
    // leader (holding its last stable offset back for good). Waits outside the queue, so
    // appends go on meanwhile. On a single node the high watermark is already there.
    if (this.highWatermark >= written.endOffset) return { error: null };
    return new Promise((resolve) => {
      this.delayed.wait(written.endOffset, options.timeoutMs ?? 30_000, (error) =>
        resolve({ error }),
      );
    });
  }

  private async doWriteTxnMarker(
    marker: TxnMarker,
    timestamp: number,
  ): Promise<{ error: ErrorName | null; endOffset: number }> {
    if (!this.replica.isLeader) return { error: 'NOT_LEADER_OR_FOLLOWER', endOffset: -1 };
    const fenced = this.producers.checkMarker(marker.producerId, marker);
    if (fenced !== null) return { error: fenced, endOffset: -1 };
    const type = marker.commit ? ControlRecordType.Commit : ControlRecordType.Abort;
    const batch = encodeRecordBatchSync([endTxnMarker(type, marker.coordinatorEpoch)], {
      isControl: true,
      isTransactional: true,
      producerId: marker.producerId,
      producerEpoch: marker.producerEpoch,
      baseSequence: -1,
      timestamp,
    });
    const segmentsBefore = this.log.segmentCount;
    let result: AppendResult;
    try {
      result = await this.log.append(batch, { leaderEpoch: this.leaderEpoch });
    } catch (err) {
      if (isStorageFailure(err)) return { error: 'KAFKA_STORAGE_ERROR', endOffset: -1 };
      throw err;
    }
    const completed = this.producers.completeTxn(marker.producerId, {
      ...marker,
      markerOffset: result.baseOffset,
      timestamp,
    });
    if (!marker.commit && completed.firstOffset >= 0) {
      const entry = { ...completed, lastStableOffset: this.lastStableOffset };
      const base = segmentBaseFor(this.log.segmentBaseOffsets, result.baseOffset);
      try {
        await this.abortedTxns.add(entry, base);
      } catch (err) {
        // The marker is in the log: a restart rebuilds the entry from it.
        if (!isStorageFailure(err)) throw err;
      }
    }
    this.advanceHighWatermark();
    if (this.log.segmentCount > segmentsBefore) {
      await snapshotProducerState(this.log, this.producers).catch(() => undefined);
    }
    this.published(batch.length, this.log.logEndOffset);
    return { error: null, endOffset: result.lastOffset + 1 };
  }

  private ok(baseOffset: number, logAppendTimeMs: number): PartitionAppendResult {
    return {
      error: null,
      message: null,
      baseOffset,
      logAppendTimeMs,
      logStartOffset: this.log.logStartOffset,
    };
  }

  private failed(error: ErrorName, message: string): PartitionAppendResult {
    return {
      error,
      message,
      baseOffset: -1,
      logAppendTimeMs: -1,
      logStartOffset: this.log.logStartOffset,
    };
  }

  async read(fetchOffset: number, options: PartitionReadOptions): Promise<PartitionReadResult> {
    const committed = options.isolationLevel === 1;
    const maxOffset = options.toLogEnd
      ? this.log.logEndOffset
      : committed
        ? this.lastStableOffset
        : this.highWatermark;
    const read = await this.log.read(fetchOffset, {
      maxBytes: options.maxBytes,
      maxOffset,
      minOneBatch: options.minOneBatch,
      buffers: options.buffers,
    });
    if (committed) this.abortedTxns.trimBefore(this.log.logStartOffset);
    const abortedTransactions = committed ? this.abortedTxns.collect(fetchOffset, maxOffset) : null;
    return { ...read, abortedTransactions };
  }

  /** ListOffsets; `-1` (latest) is bounded by the isolation level's offset. */
  async offsetForTimestamp(
    timestamp: number,
    isolationLevel: number,
  ): Promise<TimestampOffset | null> {
    if (timestamp === -1) {
      const offset = isolationLevel === 1 ? this.lastStableOffset : this.highWatermark;
      return { offset, timestamp: -1, leaderEpoch: this.leaderEpoch };
    }
    const found = await this.log.offsetForTimestamp(timestamp);
    if (found === null) return null;
    if (found.leaderEpoch === undefined) found.leaderEpoch = this.epochs.latestEpoch;
    return found;
  }

  /** DeleteRecords: -1 means the high watermark. Offsets past it are OFFSET_OUT_OF_RANGE. */
  async deleteRecordsBefore(
    offset: number,
  ): Promise<{ error: ErrorName | null; lowWatermark: number }> {
    const target = offset === -1 ? this.highWatermark : offset;
    if (target < 0 || target > this.highWatermark) {
      return { error: 'OFFSET_OUT_OF_RANGE', lowWatermark: this.log.logStartOffset };
    }
    const result = await this.log.deleteRecordsBefore(target);
    return { error: result.error, lowWatermark: result.logStartOffset };
  }

  /** OffsetForLeaderEpoch. */
  endOffsetForEpoch(epoch: number): { epoch: number; endOffset: number } {
    return this.epochs.endOffsetFor(epoch, this.log.logEndOffset);
  }

  /**
   * The metadata image names this node the leader (a new leader epoch, or a new ISR at the same
   * epoch). A new epoch starts at the log end in the leader-epoch cache; followers start unknown
   * until they fetch; the high watermark then follows the ISR.
   */
  async becomeLeader(assignment: ReplicaAssignment, nowMs = 0): Promise<void> {
    const newEpoch = assignment.leaderEpoch > this.leaderEpoch || !this.replica.isLeader;
    if (newEpoch) {
      // Appends a follower was making finish first: the new epoch starts after them.
      await this.queue.idle();
      this.leaderEpoch = assignment.leaderEpoch;
      const logEndOffset = this.log.logEndOffset;
      this.replica.becomeLeader(assignment, { nowMs, logEndOffset });
      await this.epochs.assign(assignment.leaderEpoch, logEndOffset);
    } else {
      this.replica.updateAssignment(assignment);
    }
    this.advanceHighWatermark();
  }

  /** The partition epoch of the assignment this node last applied (AlterPartition's fence). */
  get partitionEpoch(): number {
    return this.replica.partitionEpoch;
  }

  /** The start of this leader's epoch in the log (the ISR expand rule). */
  get leaderEpochStartOffset(): number {
    return this.replica.leaderEpochStartOffset;
  }

  /** The ISR change this leader should propose now, if any (see ReplicaState). */
  isrChange(
    nowMs: number,
    options: { lagMs: number; fetchedBy?: number },
  ): readonly number[] | null {
    if (options.fetchedBy !== undefined) return this.replica.expandCandidate(options.fetchedBy);
    return this.replica.shrinkCandidate(nowMs, options.lagMs);
  }

  /** Marks an ISR proposal in flight (or, with null, failed): no other is made meanwhile. */
  setPendingIsr(isr: readonly number[] | null): void {
    this.replica.pendingIsr = isr;
  }

  /**
   * A follower appends its leader's batches as they are: offsets, leader epochs and
   * timestamps kept, no validation beyond what the log checks (whole batches, offsets not
   * below the log end). Producer state, the leader-epoch cache and the aborted-transaction
   * index follow, as they would from replaying the log.
   */
  appendAsFollower(records: Buffer): Promise<void> {
    return this.queue.run(() => this.doAppendAsFollower(records));
  }

  private async doAppendAsFollower(records: Buffer): Promise<void> {
    if (this.replica.isLeader || records.length === 0) return;
    const headers: BatchHeader[] = [];
    for (let pos = 0; pos + 61 <= records.length;) {
      const h = new BatchHeader(records, pos);
      if (h.totalSize > records.length - pos) break;
      headers.push(h);
      pos += h.totalSize;
    }
    if (headers.length === 0) return;
    const whole = records.subarray(
      0,
      headers.reduce((n, h) => n + h.totalSize, 0),
    );
    for (const h of headers) {
      if (h.partitionLeaderEpoch > this.epochs.latestEpoch) {
        await this.epochs.assign(h.partitionLeaderEpoch, h.baseOffsetNumber);
      }
    }
    const segmentsBefore = this.log.segmentCount;
    await this.log.append(whole, { assignOffsets: false });
    const aborted: CompletedTxn[] = [];
    let pos = 0;
    for (const h of headers) {
      const batch = whole.subarray(pos, pos + h.totalSize);
      pos += h.totalSize;
      await replayProducerBatch(this.producers, { h, batch, abortedTxns: aborted });
    }
    for (const txn of aborted) {
      const entry = { ...txn, lastStableOffset: this.lastStableOffset };
      const base = segmentBaseFor(this.log.segmentBaseOffsets, txn.lastOffset);
      await this.abortedTxns.add(entry, base).catch((err: unknown) => {
        if (!isStorageFailure(err)) throw err;
      });
    }
    if (this.log.segmentCount > segmentsBefore) {
      await snapshotProducerState(this.log, this.producers).catch(() => undefined);
    }
    this.published(whole.length, this.log.logEndOffset);
  }

  /**
   * A follower whose log ends before its leader's log start restarts empty at that offset:
   * records, leader epochs, aborted transactions and producer state all start over there.
   */
  restartAsFollowerAt(offset: number): Promise<void> {
    return this.queue.run(async () => {
      if (this.replica.isLeader || offset <= this.log.logEndOffset) return;
      await this.log.truncateFullyAndStartAt(offset);
      await this.epochs.truncateFromEnd(0);
      await this.abortedTxns.truncateFrom(0, offset);
      for (const at of await listSnapshotOffsets(this.log.fs, this.log.dir)) {
        await this.log.fs.unlink(snapshotPath(this.log.dir, at));
      }
      this.producers.load([]);
      this.replica.setFollowerHighWatermark(offset, offset);
      this.uncovered = [];
    });
  }

  /** A follower takes its leader's high watermark, bounded by its own log end. */
  updateHighWatermarkAsFollower(leaderHighWatermark: number): void {
    if (this.replica.isLeader) return;
    this.replica.setFollowerHighWatermark(leaderHighWatermark, this.log.logEndOffset);
    // Consumers reading from this follower (KIP-392) wait for the records it now covers.
    this.releaseCovered();
  }

  /** A follower's log end offset as this leader last saw it; -1 when unknown. */
  followerLogEndOffset(replicaId: number): number {
    return this.replica.follower(replicaId)?.logEndOffset ?? -1;
  }

  /**
   * A follower cuts the suffix of its log that diverged from its leader's (found with
   * OffsetForLeaderEpoch): records, leader epochs, aborted transactions and producer state
   * at and past `offset` go, and producer state is rebuilt from the log that stays.
   */
  truncateAsFollower(offset: number): Promise<void> {
    return this.queue.run(async () => {
      // A leader's log is the reference: only a follower ever cuts its own.
      if (this.replica.isLeader || offset >= this.log.logEndOffset) return;
      await this.log.truncateTo(offset);
      await this.epochs.truncateFromEnd(offset);
      const base = segmentBaseFor(this.log.segmentBaseOffsets, offset);
      await this.abortedTxns.truncateFrom(offset, base);
      // Snapshots past the cut describe records that are gone; a later start must not load
      // them once the log grows past their offsets again.
      for (const at of await listSnapshotOffsets(this.log.fs, this.log.dir)) {
        if (at > offset) await this.log.fs.unlink(snapshotPath(this.log.dir, at));
      }
      const { state } = await recoverProducerState(this.log);
      this.producers.load([...state.entries()]);
      this.replica.setFollowerHighWatermark(this.highWatermark, this.log.logEndOffset);
      this.uncovered = this.uncovered.filter((u) => u.endOffset <= offset);
    });
  }

  /**
   * The metadata image names another broker the leader (or none, -1). The log stays; appends
   * are refused from now on, and acks=all appends still waiting get NOT_LEADER_OR_FOLLOWER.
   */
  becomeFollower(assignment: ReplicaAssignment): void {
    this.leaderEpoch = assignment.leaderEpoch;
    this.replica.becomeFollower(assignment);
    this.replica.setFollowerHighWatermark(this.highWatermark, this.log.logEndOffset);
    this.delayed.abortAll('NOT_LEADER_OR_FOLLOWER');
  }

  /** Clean shutdown: waits for queued appends, then snapshots producer state at the log end. */
  async close(): Promise<void> {
    this.startGroup();
    await this.queue.idle();
    this.delayed.abortAll('NOT_LEADER_OR_FOLLOWER');
    if (this.producers.size === 0) return;
    // Without the snapshot (a full disk), the next start replays producer state from the log's
    // batch headers instead: slower, never wrong.
    await snapshotProducerState(this.log, this.producers).catch((err: unknown) => {
      if (!isStorageFailure(err)) throw err;
    });
  }
}

export interface PartitionOpenOptions {
  topicId: string;
  leaderEpoch: number;
  /** This broker's id (node.id). */
  localId?: number;
  /** The partition's replicas, ISR and leader; by default this node leads alone. */
  assignment?: ReplicaAssignment;
  /** Timers of acks=all appends waiting for the ISR. */
  timers?: Timers;
  /** Runs a callback at the end of this event-loop turn (default setImmediate). */
  defer?: (fn: () => void) => void;
  /** From replication-offset-checkpoint: where a replicated partition's high watermark was. */
  checkpointedHighWatermark?: number;
  /**
   * When it opens (the clock of the ISR checks). A partition that opens as leader counts its
   * ISR followers as caught up then, as becomeLeader does; without it they count as lagging
   * from the start and the first ISR check drops every one that has not fetched yet.
   */
  nowMs?: number;
}

/**
 * A partition alone (one replica) has everything it holds replicated: its high watermark is
 * the log end. A replicated one starts from the checkpointed high watermark (never past the
 * log end), as Kafka's does, and learns the rest from the ISR or its leader.
 */
function startHighWatermark(
  log: PartitionLog,
  assignment: ReplicaAssignment,
  options: PartitionOpenOptions,
): number {
  const saved = options.checkpointedHighWatermark;
  if (assignment.replicas.length <= 1 || saved === undefined) return log.logEndOffset;
  return Math.max(log.logStartOffset, Math.min(saved, log.logEndOffset));
}

/** The base offset of the segment holding `offset` (the last one starting at or below it). */
function segmentBaseFor(bases: readonly number[], offset: number): number {
  let found = bases[0] ?? 0;
  for (const base of bases) if (base <= offset) found = base;
  return found;
}
