// replication-offset-checkpoint: each log dir's high watermarks, in Kafka's format (a version
// line `0`, a count, then `topic partition offset` lines), written every
// replica.high.watermark.checkpoint.interval.ms and at a clean shutdown. A replicated
// partition starts from it after a restart, so a follower that becomes leader before it has
// fetched does not start consumers past records the ISR never had, nor one that restarts
// lose sight of what was committed. Offsets below the high watermark may still be cut by a
// truncation; the checkpoint is a lower bound of what was replicated, never more.
import {
  REPLICATION_OFFSET_CHECKPOINT_FILE,
  readCheckpoint,
  writeCheckpoint,
} from '../../storage/index.js';
import type { FileSystem } from '../../util/index.js';

export function highWatermarkPath(logDir: string): string {
  return `${logDir.replace(/\/+$/, '')}/${REPLICATION_OFFSET_CHECKPOINT_FILE}`;
}

/** Every log dir's checkpointed high watermarks, by `topic-partition`. */
export async function readHighWatermarks(
  fs: FileSystem,
  logDirs: readonly string[],
): Promise<Map<string, number>> {
  const all = new Map<string, number>();
  for (const dir of logDirs) {
    const read = await readCheckpoint(fs, highWatermarkPath(dir)).catch(() => new Map());
    for (const [key, offset] of read) all.set(key, offset);
  }
  return all;
}

export function writeHighWatermarks(
  fs: FileSystem,
  logDir: string,
  entries: readonly { topic: string; partition: number; offset: number }[],
): Promise<void> {
  return writeCheckpoint(fs, highWatermarkPath(logDir), entries);
}
