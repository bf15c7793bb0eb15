// What DescribeLogDirs reports about a log dir's file system: its size and free space. The
// partitions' sizes come from their logs in memory (see 35-describe-log-dirs.ts).
import { statfs } from 'node:fs/promises';

export interface LogDirSpace {
  logDir: string;
  /** null when the directory cannot be read (KAFKA_STORAGE_ERROR). */
  error: string | null;
  totalBytes: number;
  usableBytes: number;
}

export async function logDirSpace(logDir: string): Promise<LogDirSpace> {
  try {
    const fs = await statfs(logDir);
    return {
      logDir,
      error: null,
      totalBytes: fs.blocks * fs.bsize,
      usableBytes: fs.bavail * fs.bsize,
    };
  } catch (err) {
    const error = err instanceof Error ? err.message : String(err);
    return { logDir, error, totalBytes: -1, usableBytes: -1 };
  }
}
