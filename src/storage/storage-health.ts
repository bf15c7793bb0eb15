// Whether writes to a log dir fail (a full disk, an I/O error), told to the operator once when
// the condition starts and once when it clears, however many requests and background jobs meet
// it meanwhile. Nothing here stops a write: every write is tried, so the first one that
// succeeds after space returns ends the condition, without a restart.
import { silentLogger, systemClock, type Clock, type StorageLogger } from './environment.js';
import { LogStorageError } from './results.js';

/** One log dir's view of the health record, handed to the logs that live there. */
export interface DirHealth {
  /** A write (`op`: append, roll, flush, checkpoint, ...) failed with a storage failure. */
  failed(op: string, err: unknown): void;
  /** A write succeeded. Cheap when nothing is failing: it is called on every append. */
  succeeded(): void;
}

/** A DirHealth that records nothing (logs opened outside a LogManager). */
export const untrackedHealth: DirHealth = { failed() {}, succeeded() {} };

interface Failing {
  sinceMs: number;
  failures: number;
}

export class StorageHealth {
  private readonly failing = new Map<string, Failing>();

  constructor(
    private readonly logger: StorageLogger = silentLogger,
    private readonly clock: Clock = systemClock,
  ) {}

  failed(logDir: string, op: string, err: unknown): void {
    const state = this.failing.get(logDir);
    if (state !== undefined) {
      state.failures++;
      return;
    }
    this.failing.set(logDir, { sinceMs: this.clock.nowMs(), failures: 1 });
    this.logger.error(
      `writes to log dir ${logDir} fail (${op}: ${describeStorageFailure(err)}); ` +
        'its partitions answer KAFKA_STORAGE_ERROR to writes and keep serving reads ' +
        'until a write succeeds again',
      { logDir, op, err },
    );
  }

  succeeded(logDir: string): void {
    if (this.failing.size === 0) return;
    const state = this.failing.get(logDir);
    if (state === undefined) return;
    this.failing.delete(logDir);
    const ms = this.clock.nowMs() - state.sinceMs;
    this.logger.warn(
      `writes to log dir ${logDir} succeed again, after ${state.failures} failed ` +
        `write${state.failures === 1 ? '' : 's'} over ${ms} ms`,
      { logDir, failures: state.failures, ms },
    );
  }

  /** Whether the last write to `logDir` failed. */
  isFailing(logDir: string): boolean {
    return this.failing.has(logDir);
  }

  forDir(logDir: string): DirHealth {
    return {
      failed: (op, err) => this.failed(logDir, op, err),
      succeeded: () => this.succeeded(logDir),
    };
  }
}

/**
 * Whether an error is a disk failure (answered as KAFKA_STORAGE_ERROR, logged, survived) rather
 * than a bug that must surface: a LogStorageError, or one of Node's system errors (ENOSPC, EIO,
 * EDQUOT, ...), which name the failed call; assertion errors do not.
 */
export function isStorageFailure(err: unknown): boolean {
  if (err instanceof LogStorageError) return true;
  return err instanceof Error && typeof (err as NodeJS.ErrnoException).syscall === 'string';
}

/** The innermost cause's message: "ENOSPC: no space left on device, write". */
export function describeStorageFailure(err: unknown): string {
  let e: unknown = err;
  while (e instanceof Error && e.cause instanceof Error) e = e.cause;
  return e instanceof Error ? e.message : String(e);
}
