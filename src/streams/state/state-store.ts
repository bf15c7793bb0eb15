// What every state store offers the runtime (Kafka's StateStore), and how stores are built
// (StoreBuilder): a store belongs to one task, and when logging is enabled each change is also
// written to the store's changelog topic, `<application.id>-<store>-changelog`, from which the
// store is restored on another instance or after a restart.
import type { ThreadCache } from './thread-cache.js';

/** Receives each change of a logged store, as it would be written to the changelog. */
export interface ChangeLogger {
  log(key: Buffer, value: Buffer | null): void;
}

export interface StateStoreContext {
  /** null when logging is disabled. */
  changeLogger: ChangeLogger | null;
  /** Current stream time of the task, for retention of windowed stores. */
  streamTimeMs(): number;
  /** The task's directory under state.dir, for persistent stores (null: none). */
  stateDir?: string | null;
  /**
   * Persistent stores: true when a checkpoint says the copy on disk is complete up to an
   * offset of the changelog (keep it and restore only the rest); otherwise start empty.
   */
  localStateValid?: boolean;
  /** The thread's record cache (statestore.cache.max.bytes); absent or null: no caching. */
  cache?: ThreadCache | null;
  /**
   * The timestamp of the record being processed, which changelog records carry; a cache
   * sets it to an entry's own timestamp while it writes that entry through.
   */
  recordTimestamp?: { get(): number; set(timestampMs: number): void };
}

export interface StateStore {
  readonly name: string;
  readonly persistent: boolean;
  init(context: StateStoreContext): void;
  /** Applies one changelog record during restoration (no logging). */
  restore(key: Buffer, value: Buffer | null): void;
  flush(): void | Promise<void>;
  close(): void | Promise<void>;
}

export interface StoreBuilder<S extends StateStore = StateStore> {
  readonly name: string;
  readonly loggingEnabled: boolean;
  /** Topic configs of the changelog (cleanup.policy=compact and any given). */
  readonly logConfig: Record<string, string>;
  withLoggingEnabled(config?: Record<string, string>): this;
  withLoggingDisabled(): this;
  /** Key-value stores: put a record cache in front (Kafka's withCachingEnabled). */
  withCachingEnabled?(): this;
  withCachingDisabled?(): this;
  build(): S;
}
