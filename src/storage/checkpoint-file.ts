// Kafka's offset checkpoint files (recovery-point-offset-checkpoint, log-start-offset-checkpoint,
// replication-offset-checkpoint): a version line, a count line, then `topic partition offset`
// lines. Written atomically; a file that does not parse is treated as absent (all zeros), which
// only costs a longer recovery.
import { writeFileAtomic, type FileSystem } from './fs/file-system.js';

export const RECOVERY_POINT_CHECKPOINT_FILE = 'recovery-point-offset-checkpoint';
export const LOG_START_OFFSET_CHECKPOINT_FILE = 'log-start-offset-checkpoint';
export const REPLICATION_OFFSET_CHECKPOINT_FILE = 'replication-offset-checkpoint';
export const CLEANER_OFFSET_CHECKPOINT_FILE = 'cleaner-offset-checkpoint';
/** Kafka's clean-shutdown marker in each log dir. */
export const CLEAN_SHUTDOWN_FILE = '.kafka_cleanshutdown';
/** Per-partition files: leader epochs (leader-epoch-cache.ts) and the topic id (log-manager.ts). */
export const LEADER_EPOCH_CHECKPOINT_FILE = 'leader-epoch-checkpoint';
export const PARTITION_METADATA_FILE = 'partition.metadata';

/** Offsets by `<topic>-<partition>` folder name. */
export type OffsetCheckpoint = Map<string, number>;

export function partitionKey(topic: string, partition: number): string {
  return `${topic}-${partition}`;
}

export async function readCheckpoint(fs: FileSystem, path: string): Promise<OffsetCheckpoint> {
  const out: OffsetCheckpoint = new Map();
  const buf = await fs.readFile(path);
  if (!buf) return out;
  const lines = buf.toString('utf8').split('\n');
  if (lines[0] !== '0') return out;
  const count = Number(lines[1]);
  if (!Number.isSafeInteger(count) || count < 0 || lines.length < count + 2) return new Map();
  for (let i = 0; i < count; i++) {
    const parts = lines[i + 2]!.split(' ');
    if (parts.length !== 3) return new Map();
    const partition = Number(parts[1]);
    const offset = Number(parts[2]);
    if (!Number.isSafeInteger(partition) || !Number.isSafeInteger(offset)) return new Map();
    out.set(partitionKey(parts[0]!, partition), offset);
  }
  return out;
}

export async function writeCheckpoint(
  fs: FileSystem,
  path: string,
  entries: readonly { topic: string; partition: number; offset: number }[],
): Promise<void> {
  const lines = [
    '0',
    String(entries.length),
    ...entries.map((e) => `${e.topic} ${e.partition} ${e.offset}`),
  ];
  await writeFileAtomic(fs, path, Buffer.from(lines.join('\n') + '\n'));
}
