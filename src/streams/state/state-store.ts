// What every state store offers the runtime (Kafka's StateStore), and how stores are built
// (StoreBuilder): a store belongs to one task, and when logging is enabled each change is also
// written to the store's changelog topic, `<application.id>-<store>-changelog`, from which the
// store is restored on another instance or after a restart.

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
  build(): S;
}
