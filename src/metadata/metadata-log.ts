// Where the metadata records are kept, and how a broker follows them. The store is an ordered
// log of record batches with two operations beyond reading: a compare-and-swap append (it
// lands only if the log's next offset is still the one the writer built its batch against,
// as an etcd transaction on the next sequence number does) and a watch that delivers every
// committed batch from an offset on, in order, live. A single node keeps the log in
// `__cluster_metadata-0` (PartitionLogMetadataStore); simulation tests keep it in memory
// (MemoryMetadataLogStore); a cluster will keep it in etcd. A batch counts as committed once
// `append` has resolved `appended`, which means it is durable.
import { BatchField } from '../protocol/index.js';

/** What a compare-and-swap append did. */
export type MetadataAppendResult =
  | { type: 'appended'; baseOffset: number }
  /** Another writer got there first: the log's next offset is `nextOffset`, not the expected. */
  | { type: 'conflict'; nextOffset: number };

export interface MetadataAppendOptions {
  /** Append only if the log's next offset is this one; otherwise answer a conflict. */
  expectedOffset?: number;
}

/**
 * Called with each committed batch (its base offset already set), in offset order. The buffer
 * may be the store's own: read it, never change it.
 */
export type MetadataBatchListener = (batch: Buffer) => void;

export interface MetadataWatchOptions {
  /** Told when the batches cannot be read; the watch delivers nothing after it. */
  onError?: (err: unknown) => void;
}

export interface MetadataLogStore {
  /** Every stored batch, oldest first, for replay at startup. */
  readAll(): Promise<Buffer[]>;
  /**
   * Stores one batch durably (fsync'd before resolving) unless `expectedOffset` is given and
   * the log's next offset differs. Storage failures reject.
   */
  append(batch: Buffer, options?: MetadataAppendOptions): Promise<MetadataAppendResult>;
  /**
   * Delivers every committed batch from the one holding `fromOffset` on: first those already
   * stored, then each new one as it commits, in order, each once. Delivery is asynchronous
   * (never inside this call). Returns the unsubscribe function.
   */
  watch(
    fromOffset: number,
    listener: MetadataBatchListener,
    options?: MetadataWatchOptions,
  ): () => void;
  /** Stops the watches made through this store (connection) and releases it. Idempotent. */
  close(): Promise<void>;
}

/** The offset after a batch's last record. */
export function batchEndOffset(batch: Buffer): number {
  return Number(batch.readBigInt64BE(0)) + batch.readInt32BE(BatchField.LastOffsetDelta) + 1;
}

interface Watcher {
  /** The next offset this watcher has not been given. */
  next: number;
  listener: MetadataBatchListener;
  onError: ((err: unknown) => void) | undefined;
  stopped: boolean;
  pumping: boolean;
  again: boolean;
}

/**
 * The watch half of a store, shared by the implementations: each watcher remembers the next
 * offset it is owed and, whenever the log may have grown, reads from there to the end. Because
 * a watcher only ever asks for what it has not had, a catch-up read and live appends cannot
 * reorder or repeat a batch.
 */
export class MetadataWatchers {
  private readonly watchers = new Set<Watcher>();

  /** `readFrom(offset)`: the committed batches from the one holding `offset` to the end. */
  constructor(private readonly readFrom: (offset: number) => Promise<Buffer[]>) {}

  add(
    fromOffset: number,
    listener: MetadataBatchListener,
    options: MetadataWatchOptions = {},
  ): () => void {
    const watcher: Watcher = {
      next: fromOffset,
      listener,
      onError: options.onError,
      stopped: false,
      pumping: false,
      again: false,
    };
    this.watchers.add(watcher);
    queueMicrotask(() => void this.pump(watcher));
    return () => this.stop(watcher);
  }

  /** The log grew (or may have): every watcher reads what it is owed. */
  notify(): void {
    for (const watcher of this.watchers) void this.pump(watcher);
  }

  close(): void {
    for (const watcher of this.watchers) this.stop(watcher);
  }

  private stop(watcher: Watcher): void {
    watcher.stopped = true;
    this.watchers.delete(watcher);
  }

  /** One read loop per watcher at a time; a notify during it makes it read once more. */
  private async pump(watcher: Watcher): Promise<void> {
    if (watcher.pumping) {
      watcher.again = true;
      return;
    }
    watcher.pumping = true;
    try {
      do {
        watcher.again = false;
        const batches = await this.readFrom(watcher.next);
        for (const batch of batches) {
          if (watcher.stopped) return;
          const end = batchEndOffset(batch);
          if (end <= watcher.next) continue;
          watcher.next = end;
          watcher.listener(batch);
        }
      } while (watcher.again && !watcher.stopped);
    } catch (err) {
      this.stop(watcher);
      watcher.onError?.(err);
    } finally {
      watcher.pumping = false;
    }
  }
}

/** The log behind one or more in-memory store connections. */
interface MemoryLog {
  readonly batches: Buffer[];
  nextOffset: number;
  /** Every connection, each with its own watchers. */
  readonly connections: Set<MemoryMetadataLogStore>;
}

/**
 * A store that keeps batches in memory, with the same compare-and-swap and watch semantics as
 * the others: for simulation tests and brokers that need nothing to persist. Several brokers
 * of a simulated cluster share one log through `connect()`, each with its own connection as
 * each would have its own etcd client: closing one stops only its watches. The log outlives
 * `close`, so a broker can be opened on it again (a restart).
 */
export class MemoryMetadataLogStore implements MetadataLogStore {
  private readonly watchers = new MetadataWatchers((offset) => Promise.resolve(this.from(offset)));

  constructor(
    private readonly log: MemoryLog = { batches: [], nextOffset: 0, connections: new Set() },
  ) {}

  /** Another connection to the same log. */
  connect(): MemoryMetadataLogStore {
    return new MemoryMetadataLogStore(this.log);
  }

  /** Every committed batch, oldest first. */
  get batches(): readonly Buffer[] {
    return this.log.batches;
  }

  /** The offset the next appended record gets. */
  get logEndOffset(): number {
    return this.log.nextOffset;
  }

  readAll(): Promise<Buffer[]> {
    return Promise.resolve([...this.log.batches]);
  }

  append(batch: Buffer, options: MetadataAppendOptions = {}): Promise<MetadataAppendResult> {
    const { expectedOffset } = options;
    const log = this.log;
    if (expectedOffset !== undefined && expectedOffset !== log.nextOffset) {
      return Promise.resolve({ type: 'conflict', nextOffset: log.nextOffset });
    }
    const offset = log.nextOffset;
    const copy = Buffer.from(batch);
    copy.writeBigInt64BE(BigInt(offset), 0);
    log.nextOffset = batchEndOffset(copy);
    log.batches.push(copy);
    for (const connection of log.connections) connection.watchers.notify();
    return Promise.resolve({ type: 'appended', baseOffset: offset });
  }

  watch(
    fromOffset: number,
    listener: MetadataBatchListener,
    options?: MetadataWatchOptions,
  ): () => void {
    this.log.connections.add(this);
    return this.watchers.add(fromOffset, listener, options);
  }

  close(): Promise<void> {
    this.watchers.close();
    this.log.connections.delete(this);
    return Promise.resolve();
  }

  /** The batches from the one holding `offset` on (binary search: they are contiguous). */
  private from(offset: number): Buffer[] {
    const batches = this.log.batches;
    let lo = 0;
    let hi = batches.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (batchEndOffset(batches[mid]!) <= offset) lo = mid + 1;
      else hi = mid;
    }
    return batches.slice(lo);
  }
}
