// Retention: which whole segments of a partition log go (the log start offset raised by
// DeleteRecords, retention.ms, retention.bytes), and Kafka's two-step deletion of their files.
// The log applies what is decided here inside its operation queue.
import type { Timers } from './environment.js';
import type { FileSystem } from './fs/file-system.js';
import type { LogConfig } from './log-config.js';
import type { LogSegment } from './log-segment.js';

export type RetentionReason = 'log-start-offset' | 'retention.ms' | 'retention.bytes';

/** Delete the `count` oldest segments left, for `reason`. */
export interface RetentionStep {
  reason: RetentionReason;
  count: number;
}

/** What retention reads of a segment. */
export type RetainedSegment = Pick<
  LogSegment,
  'baseOffset' | 'size' | 'maxTimestamp' | 'createdMs'
>;

/**
 * The segments wholly below the log start offset (those whose successor starts at or below
 * it), oldest first, never the active one: what DeleteRecords and every policy remove.
 */
export function segmentsBelowLogStart(
  segments: readonly RetainedSegment[],
  logStartOffset: number,
): number {
  return countWhile(segments, 0, (_s, next) => next.baseOffset <= logStartOffset);
}

/**
 * The deletions of one retention pass, applied in order, each counting from the oldest
 * segment the previous ones left: segments below the log start offset (every policy), then
 * with `cleanup.policy` containing `delete`, segments whose newest timestamp is older than
 * retention.ms, then the oldest segments while the log is bigger than retention.bytes.
 */
export function retentionSteps(
  segments: readonly RetainedSegment[],
  options: { config: LogConfig; logStartOffset: number; nowMs: number },
): RetentionStep[] {
  const steps: RetentionStep[] = [];
  let from = 0;
  const take = (
    reason: RetentionReason,
    predicate: (s: RetainedSegment, next: RetainedSegment) => boolean,
  ): void => {
    const count = countWhile(segments, from, predicate);
    if (count > 0) steps.push({ reason, count });
    from += count;
  };
  take('log-start-offset', (_s, next) => next.baseOffset <= options.logStartOffset);
  const { cleanupPolicy, retentionMs, retentionBytes } = options.config;
  if (!cleanupPolicy.includes('delete')) return steps;
  if (retentionMs >= 0) {
    // Without timestamps, the segment's age counts from when it was created or loaded (Kafka
    // falls back to the file's modification time).
    take(
      'retention.ms',
      (s) => options.nowMs - (s.maxTimestamp >= 0 ? s.maxTimestamp : s.createdMs) > retentionMs,
    );
  }
  if (retentionBytes >= 0) {
    let excess = -retentionBytes;
    for (let i = from; i < segments.length; i++) excess += segments[i]!.size;
    take('retention.bytes', (s) => {
      if (excess - s.size < 0) return false;
      excess -= s.size;
      return true;
    });
  }
  return steps;
}

/** How many segments from `from` on satisfy `predicate`, in a row, never the last one. */
function countWhile(
  segments: readonly RetainedSegment[],
  from: number,
  predicate: (segment: RetainedSegment, next: RetainedSegment) => boolean,
): number {
  let n = from;
  while (n < segments.length - 1 && predicate(segments[n]!, segments[n + 1]!)) n++;
  return n - from;
}

/**
 * Kafka's asynchronous delete: a segment's files are renamed to `.deleted` at once (a restart
 * will not load them and removes them) and unlinked after file.delete.delay.ms, so reads
 * already under way finish.
 */
export class SegmentDeleter {
  private readonly pending = new Set<{ run: () => Promise<void>; cancel: () => void }>();

  constructor(
    private readonly o: {
      fs: FileSystem;
      scheduler: Timers;
      /** Runs a task the log's close waits for. */
      inBackground: (task: Promise<unknown>) => void;
    },
  ) {}

  /** Renames the segments' files now and schedules their removal after `delayMs`. */
  async delete(segments: readonly LogSegment[], delayMs: number): Promise<void> {
    for (const segment of segments) {
      const renamed = await segment.markDeleted();
      const task = {
        run: async () => {
          this.pending.delete(task);
          await segment.close().catch(() => undefined);
          for (const path of renamed) await this.o.fs.unlink(path).catch(() => false);
        },
        cancel: () => {},
      };
      task.cancel = this.o.scheduler.schedule(delayMs, () => this.o.inBackground(task.run()));
      this.pending.add(task);
    }
  }

  /** Removes every scheduled file now (a clean close). */
  async finishAll(): Promise<void> {
    for (const task of [...this.pending]) {
      task.cancel();
      await task.run();
    }
  }

  /** Forgets every scheduled removal (the log dir is being removed anyway). */
  cancelAll(): void {
    for (const task of [...this.pending]) task.cancel();
  }
}
