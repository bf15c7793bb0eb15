// Checks a broker's data directory after it stopped: every partition's segment files hold
// complete magic-2 batches with valid CRCs and contiguous, increasing offsets, end to end.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BatchHeader, checkBatchFrame } from '../../../src/protocol/index.js';

export interface LogSummary {
  partitions: number;
  batches: number;
  /** Problems found, each naming the file and position. Empty when the logs are intact. */
  problems: string[];
}

const PARTITION_DIR = /^.+-\d+$/;

export async function checkLogs(dataDir: string): Promise<LogSummary> {
  const summary: LogSummary = { partitions: 0, batches: 0, problems: [] };
  for (const entry of await readdir(dataDir, { withFileTypes: true })) {
    if (!entry.isDirectory() || !PARTITION_DIR.test(entry.name)) continue;
    summary.partitions++;
    const dir = join(dataDir, entry.name);
    const segments = (await readdir(dir)).filter((f) => f.endsWith('.log')).sort();
    let expected = -1;
    for (const segment of segments) {
      const buf = await readFile(join(dir, segment));
      const base = Number(segment.slice(0, -4));
      if (expected !== -1 && base !== expected) {
        summary.problems.push(`${entry.name}/${segment}: base ${base}, expected ${expected}`);
      }
      for (let pos = 0; pos < buf.length;) {
        const size = checkBatchFrame(buf, pos, buf.length, true);
        if (typeof size !== 'number') {
          summary.problems.push(`${entry.name}/${segment} at ${pos}: ${size}`);
          break;
        }
        const h = new BatchHeader(buf, pos);
        if (expected !== -1 && h.baseOffsetNumber !== expected) {
          summary.problems.push(
            `${entry.name}/${segment} at ${pos}: offset ${h.baseOffsetNumber}, expected ${expected}`,
          );
        }
        expected = h.lastOffsetNumber + 1;
        summary.batches++;
        pos += size;
      }
    }
  }
  return summary;
}
