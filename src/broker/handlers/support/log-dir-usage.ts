// What DescribeLogDirs reports about a log dir: its file system's size and free space, and
// the bytes of each partition's segments (`<topic>-<partition>/*.log`), read from the disk.
import { readdir, stat, statfs } from 'node:fs/promises';
import { join } from 'node:path';

export interface LogDirUsage {
  logDir: string;
  /** null when the directory cannot be read (KAFKA_STORAGE_ERROR). */
  error: string | null;
  totalBytes: number;
  usableBytes: number;
  /** Bytes of log segments by partition folder name (`orders-0`). */
  partitions: Map<string, number>;
}

const PARTITION_DIR = /^(.+)-(\d+)$/;

export async function logDirUsage(logDir: string): Promise<LogDirUsage> {
  const usage: LogDirUsage = {
    logDir,
    error: null,
    totalBytes: -1,
    usableBytes: -1,
    partitions: new Map(),
  };
  try {
    const fs = await statfs(logDir);
    usage.totalBytes = fs.blocks * fs.bsize;
    usage.usableBytes = fs.bavail * fs.bsize;
    for (const name of await readdir(logDir)) {
      if (!PARTITION_DIR.test(name)) continue;
      const dir = join(logDir, name);
      let bytes = 0;
      try {
        for (const file of await readdir(dir)) {
          if (file.endsWith('.log')) bytes += (await stat(join(dir, file))).size;
        }
      } catch {
        // Deleted while we looked (or not a directory): not a partition to report.
        continue;
      }
      usage.partitions.set(name, bytes);
    }
  } catch (err) {
    usage.error = err instanceof Error ? err.message : String(err);
  }
  return usage;
}
