// A task's `.checkpoint` file (Kafka's OffsetCheckpoint): for each persistent store the
// changelog offset its local copy on disk is complete up to, so that a restart restores only
// the changelog's tail. The format is Kafka's: a version line (0), a count line, then one
// `<topic> <partition> <offset>` line per changelog partition. Written atomically (a temporary
// file renamed over the old one); a missing or unreadable file means "restore from scratch".
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const CHECKPOINT_FILE = '.checkpoint';

/** `<topic>\u0000<partition>` → the next changelog offset the store does not hold yet. */
export type CheckpointOffsets = Map<string, bigint>;

export function checkpointKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

/** The offsets in `<taskDir>/.checkpoint`, empty when there is none or it does not parse. */
export function readCheckpoint(taskDir: string): CheckpointOffsets {
  const offsets: CheckpointOffsets = new Map();
  const path = join(taskDir, CHECKPOINT_FILE);
  if (!existsSync(path)) return offsets;
  const lines = readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l !== '');
  if (lines[0] !== '0' || Number(lines[1]) !== lines.length - 2) return offsets;
  for (const line of lines.slice(2)) {
    const m = /^(\S+) (\d+) (\d+)$/.exec(line);
    if (m === null) return new Map();
    offsets.set(checkpointKey(m[1]!, Number(m[2])), BigInt(m[3]!));
  }
  return offsets;
}

export function writeCheckpoint(taskDir: string, offsets: CheckpointOffsets): void {
  mkdirSync(taskDir, { recursive: true });
  const lines = [...offsets].map(([key, offset]) => `${key.replace('\u0000', ' ')} ${offset}`);
  const path = join(taskDir, CHECKPOINT_FILE);
  writeFileSync(`${path}.tmp`, ['0', String(lines.length), ...lines, ''].join('\n'));
  renameSync(`${path}.tmp`, path);
}

export function deleteCheckpoint(taskDir: string): void {
  rmSync(join(taskDir, CHECKPOINT_FILE), { force: true });
}
