// The broker's side of the metadata: it follows the metadata log through the store's watch and
// replays each committed batch into the image, then tells the subscribers (metadata sync,
// coordinators) what changed. Replay is the only way the image changes, whoever wrote the
// batch — this node's controller or another one — and startup (readAll) and live updates run
// the same replay. Batches are applied one at a time, in log order, each with its subscribers
// awaited before the next, so a subscriber always sees the image its change left.
import { MetadataImage, type MetadataChange } from './image.js';
import { batchEndOffset, type MetadataLogStore } from './metadata-log.js';
import { decodeMetadataBatch, type MetadataRecord } from './records.js';

export type MetadataListener = (change: MetadataChange) => void | Promise<void>;

export interface MetadataFollowerOptions {
  store: MetadataLogStore;
  /** Told when a subscriber fails; the change itself stays applied. */
  onListenerError?: (err: unknown, change: MetadataChange) => void;
  /** Told once when the log can no longer be followed (not when the follower is closed). */
  onFailure?: (err: unknown) => void;
}

interface Waiter {
  offset: number;
  resolve: () => void;
  reject: (err: unknown) => void;
}

export class MetadataFollower {
  readonly image = new MetadataImage();
  private readonly listeners = new Set<MetadataListener>();
  private waiters: Waiter[] = [];
  /** The last offset whose batch is replayed and whose subscribers have returned. */
  private appliedOffset = -1;
  private applying: Promise<void> = Promise.resolve();
  private unwatch: () => void = () => undefined;
  private failure: { err: unknown } | null = null;

  private constructor(private readonly options: MetadataFollowerOptions) {}

  /** Replays the stored log into a new image (no subscriber hears it), then follows it live. */
  static async open(options: MetadataFollowerOptions): Promise<MetadataFollower> {
    const follower = new MetadataFollower(options);
    for (const batch of await options.store.readAll()) {
      follower.image.replay(decodeMetadataBatch(batch));
      follower.image.lastOffset = batchEndOffset(batch) - 1;
    }
    follower.appliedOffset = follower.image.lastOffset;
    follower.unwatch = options.store.watch(
      follower.image.lastOffset + 1,
      (batch) => follower.enqueue(() => follower.apply(batch)),
      {
        onError: (err) => {
          if (follower.failure === null) options.onFailure?.(err);
          follower.fail(err);
        },
      },
    );
    return follower;
  }

  /**
   * The offset the next batch will have once the image has caught up with everything
   * delivered so far: what a writer building against this image expects the log's end to be.
   */
  get nextOffset(): number {
    return this.image.lastOffset + 1;
  }

  /** Calls `listener` after each applied change; returns the unsubscribe function. */
  subscribe(listener: MetadataListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Resolves once the batch holding `offset` is replayed and its subscribers have returned;
   * rejects if the follower stops first (the watch failed or the follower closed).
   */
  waitFor(offset: number): Promise<void> {
    if (this.appliedOffset >= offset) return Promise.resolve();
    if (this.failure !== null) return Promise.reject(this.failure.err);
    return new Promise((resolve, reject) => this.waiters.push({ offset, resolve, reject }));
  }

  /**
   * Applies records that no store took (a registration on a full disk) after what is queued:
   * they take no offset, so the log's next batch still gets the next one.
   */
  applyVolatile(records: readonly MetadataRecord[]): Promise<void> {
    return this.enqueue(() => this.notify(this.image.replay(records)));
  }

  /** Stops following; what is being applied finishes first. */
  async close(): Promise<void> {
    this.unwatch();
    await this.applying;
    this.fail(new Error('the metadata follower is closed'));
  }

  private enqueue(task: () => Promise<void>): Promise<void> {
    const next = this.applying.then(task);
    this.applying = next.catch((err: unknown) => this.fail(err));
    return next;
  }

  private async apply(batch: Buffer): Promise<void> {
    if (this.failure !== null) return;
    const changes = this.image.replay(decodeMetadataBatch(batch));
    this.image.lastOffset = batchEndOffset(batch) - 1;
    await this.notify(changes);
    this.appliedOffset = this.image.lastOffset;
    const ready = this.waiters.filter((w) => w.offset <= this.appliedOffset);
    this.waiters = this.waiters.filter((w) => w.offset > this.appliedOffset);
    for (const waiter of ready) waiter.resolve();
  }

  private async notify(changes: readonly MetadataChange[]): Promise<void> {
    for (const change of changes) {
      for (const listener of this.listeners) {
        try {
          await listener(change);
        } catch (err) {
          this.options.onListenerError?.(err, change);
        }
      }
    }
  }

  /** The log can no longer be followed: every waiter, now and later, hears why. */
  private fail(err: unknown): void {
    this.failure ??= { err };
    this.unwatch();
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter.reject(this.failure.err);
  }
}
