// The cluster's metadata log in etcd. Every batch is one key, `<prefix>/metadata/log/<base
// offset, 20 digits>`, so a range read returns them in log order; `<prefix>/metadata/next`
// holds the offset the next batch gets. An append is one etcd transaction: if `next` still
// holds the expected offset, put the batch and the new `next`; otherwise read `next` back (a
// conflict). etcd orders transactions totally, so every broker sees one log.
//
// A watch reads what it is owed with a range read and is woken by an etcd watch on `next`; the
// shared MetadataWatchers remember the next offset each watcher is owed, so a wake-up that
// races a read can neither skip nor repeat a batch. After a reconnect (etcd restarted) the
// watch wakes everyone once more, which catches up whatever was appended in between.
//
// Snapshots keep etcd small: `<prefix>/metadata/snapshot` holds one batch with the records
// that rebuild the image up to its end offset (its base offset is chosen so that it ends
// there). Writing a snapshot deletes the batches the previous snapshot covered, so a follower
// lagging by less than one snapshot interval still reads batch by batch; a new broker reads
// the snapshot and the batches after it. A watcher further behind gets a
// MetadataLogCompactedError (its broker has to start again from the snapshot).
import { Range, type DeleteBuilder, type Etcd3, type IKeyValue, type PutBuilder } from 'etcd3';
import { BatchField } from '../protocol/index.js';
import { SerialQueue } from '../util/serial-queue.js';
import {
  MetadataWatchers,
  batchEndOffset,
  type MetadataAppendOptions,
  type MetadataAppendResult,
  type MetadataBatchListener,
  type MetadataLogStore,
  type MetadataWatchOptions,
} from './metadata-log.js';

export interface EtcdMetadataLogStoreOptions {
  client: Etcd3;
  /** Every key of this cluster starts with it (`metadata.etcd.prefix`). */
  prefix: string;
  /** Close `client` with the store (it was made for this store alone). Default false. */
  ownsClient?: boolean;
  /** Told when etcd cannot be read while a watch catches up; the read is retried. */
  onUnavailable?: (err: unknown, attempt: number) => void;
  /** Waits between retries of a failed watch read: attempt → ms. Default 100·2^n, at most 2 s. */
  retryDelayMs?: (attempt: number) => number;
}

/** Thrown to a watcher that fell behind the snapshot: the batches it needs are deleted. */
export class MetadataLogCompactedError extends Error {
  constructor(offset: number, oldest: number) {
    super(
      `metadata log offset ${offset} is compacted into the snapshot (the oldest batch left starts at ${oldest})`,
    );
  }
}

const OFFSET_DIGITS = 20;

export class EtcdMetadataLogStore implements MetadataLogStore {
  private readonly client: Etcd3;
  private readonly nextKey: string;
  private readonly logPrefix: string;
  private readonly snapshotKey: string;
  private readonly watchers = new MetadataWatchers((offset) => this.readFromRetrying(offset));
  private etcdWatch: Promise<{ cancel(): Promise<void> }> | null = null;
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly appends = new SerialQueue();
  private closed = false;

  constructor(private readonly options: EtcdMetadataLogStoreOptions) {
    this.client = options.client;
    const base = options.prefix.replace(/\/+$/, '');
    this.nextKey = `${base}/metadata/next`;
    this.logPrefix = `${base}/metadata/log/`;
    this.snapshotKey = `${base}/metadata/snapshot`;
  }

  async readAll(): Promise<Buffer[]> {
    const res = await this.client
      .if(this.nextKey, 'Mod', '>', -1)
      .then(this.client.get(this.snapshotKey), this.client.getAll().prefix(this.logPrefix))
      .else(this.client.get(this.snapshotKey), this.client.getAll().prefix(this.logPrefix))
      .commit();
    const snapshot = rangeValues(res.responses[0])[0];
    const batches = rangeValues(res.responses[1]);
    if (snapshot === undefined) return batches;
    const end = batchEndOffset(snapshot);
    return [snapshot, ...batches.filter((b) => baseOffsetOf(b) >= end)];
  }

  append(batch: Buffer, options: MetadataAppendOptions = {}): Promise<MetadataAppendResult> {
    // One at a time per connection, so one writer's appends land in the order it made them.
    const appending = this.appends.run(() => this.appendLoop(batch, options.expectedOffset));
    this.inFlight.add(appending);
    const done = () => this.inFlight.delete(appending);
    appending.then(done, done);
    return appending;
  }

  /** The offset the next batch gets, read from etcd (linearizable). */
  async nextOffset(): Promise<number> {
    const value = await this.client.get(this.nextKey).string();
    return value === null ? 0 : Number(value);
  }

  watch(
    fromOffset: number,
    listener: MetadataBatchListener,
    options?: MetadataWatchOptions,
  ): () => void {
    this.etcdWatch ??= this.startEtcdWatch();
    return this.watchers.add(fromOffset, listener, options);
  }

  /**
   * Stores `snapshot` (one batch of records that rebuild the image up to `endOffset`) and
   * deletes the batches the previous snapshot covered. Only when the log has reached
   * `endOffset` and nobody wrote another snapshot meanwhile; false otherwise.
   */
  async writeSnapshot(snapshot: Buffer, endOffset: number): Promise<boolean> {
    const previous = await this.client.get(this.snapshotKey).exec();
    const old = previous.kvs[0];
    const copy = Buffer.from(snapshot);
    const count = copy.readInt32BE(BatchField.LastOffsetDelta) + 1;
    copy.writeBigInt64BE(BigInt(endOffset - count), 0);
    const ops: (PutBuilder | DeleteBuilder)[] = [this.client.put(this.snapshotKey).value(copy)];
    if (old !== undefined) {
      const oldEnd = batchEndOffset(old.value);
      ops.push(this.client.delete().range(new Range(this.logPrefix, this.logKey(oldEnd))));
    }
    const res = await this.client
      .if(this.snapshotKey, 'Mod', '==', old === undefined ? 0 : Number(old.mod_revision))
      .and(this.nextKey, 'Value', '==', String(endOffset))
      .then(...ops)
      .commit();
    return res.succeeded;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.watchers.close();
    // Appends in flight complete (they may already be committed in etcd).
    await Promise.allSettled([...this.inFlight]);
    const watch = this.etcdWatch;
    this.etcdWatch = null;
    if (watch !== null) await watch.then((w) => w.cancel()).catch(() => undefined);
    if (this.options.ownsClient === true) this.client.close();
  }

  private async appendLoop(
    batch: Buffer,
    expectedOffset: number | undefined,
  ): Promise<MetadataAppendResult> {
    let expected = expectedOffset ?? (await this.nextOffset());
    for (;;) {
      const copy = Buffer.from(batch);
      copy.writeBigInt64BE(BigInt(expected), 0);
      const end = batchEndOffset(copy);
      // `next` is never deleted, so create revision 0 means an empty log.
      const res = await (
        expected === 0
          ? this.client.if(this.nextKey, 'Create', '==', 0)
          : this.client.if(this.nextKey, 'Value', '==', String(expected))
      )
        .then(
          this.client.put(this.nextKey).value(String(end)),
          this.client.put(this.logKey(expected)).value(copy),
        )
        .else(this.client.get(this.nextKey))
        .commit();
      if (res.succeeded) {
        this.watchers.notify();
        return { type: 'appended', baseOffset: expected };
      }
      const kv = rangeKvs(res.responses[0])[0];
      const actual = kv === undefined ? 0 : Number(kv.value.toString());
      if (expectedOffset !== undefined) return { type: 'conflict', nextOffset: actual };
      expected = actual;
    }
  }

  private async startEtcdWatch(): Promise<{ cancel(): Promise<void> }> {
    const watcher = this.client.watch().key(this.nextKey).watcher();
    // Every change of `next` is a new batch; a (re)connect may have missed some.
    watcher.on('put', () => this.watchers.notify());
    watcher.on('connected', () => this.watchers.notify());
    watcher.on('error', () => undefined);
    return watcher;
  }

  /** A watch's catch-up read, retried until etcd answers or the store closes. */
  private async readFromRetrying(offset: number): Promise<Buffer[]> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.readFrom(offset);
      } catch (err) {
        if (this.closed || err instanceof MetadataLogCompactedError) throw err;
        this.options.onUnavailable?.(err, attempt);
        const delay = this.options.retryDelayMs?.(attempt) ?? Math.min(2000, 100 * 2 ** attempt);
        await new Promise((resolve) => setTimeout(resolve, delay));
        if (this.closed) throw err;
      }
    }
  }

  /** The batches from the one holding `offset` on, all read at one etcd revision. */
  private async readFrom(offset: number): Promise<Buffer[]> {
    const c = this.client;
    const below = c
      .getAll()
      .inRange(new Range(this.logPrefix, this.logKey(offset)))
      .sort('Key', 'Descend')
      .limit(1);
    const from = c.getAll().inRange(new Range(this.logKey(offset), prefixEnd(this.logPrefix)));
    const res = await c
      .if(this.nextKey, 'Mod', '>', -1)
      .then(c.get(this.snapshotKey), below, from)
      .else(c.get(this.snapshotKey), below, from)
      .commit();
    const snapshot = rangeValues(res.responses[0])[0];
    const previous = rangeValues(res.responses[1])[0];
    const batches = rangeValues(res.responses[2]);
    if (previous !== undefined && batchEndOffset(previous) > offset) return [previous, ...batches];
    const oldest = batches[0] === undefined ? Infinity : baseOffsetOf(batches[0]);
    if (previous !== undefined || offset >= oldest || snapshot === undefined) return batches;
    // The batches before `oldest` are gone. The snapshot cannot stand in for them: replayed
    // onto an image that is not empty it would not undo what was deleted meanwhile. Only
    // readAll (a fresh image) starts from it; this watcher's follower must start afresh.
    if (offset < batchEndOffset(snapshot)) throw new MetadataLogCompactedError(offset, oldest);
    return batches;
  }

  private logKey(offset: number): string {
    return this.logPrefix + String(offset).padStart(OFFSET_DIGITS, '0');
  }
}

function baseOffsetOf(batch: Buffer): number {
  return Number(batch.readBigInt64BE(0));
}

/** The first key after every key that starts with `prefix`. */
function prefixEnd(prefix: string): string {
  return prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
}

interface TxnResponseOp {
  response_range?: { kvs: IKeyValue[] } | null;
}

function rangeKvs(op: unknown): IKeyValue[] {
  return (op as TxnResponseOp).response_range?.kvs ?? [];
}

function rangeValues(op: unknown): Buffer[] {
  return rangeKvs(op).map((kv) => kv.value);
}
