// `rivulet delete-records`: kafka-delete-records.sh — moves each listed partition's log start
// offset forward to the given offset (-1: the high watermark), reading Kafka's JSON file
// {"partitions":[{"topic":"t","partition":0,"offset":5}],"version":1}.
import { readFileSync } from 'node:fs';
import {
  EXIT_FAILED,
  EXIT_OK,
  describeError,
  parseFlags,
  requireFlag,
  UsageError,
  withAdmin,
} from './tool-support.js';

const SPEC = {
  name: 'delete-records',
  help: `Usage: rivulet delete-records --bootstrap-server HOST:PORT --offset-json-file FILE

Deletes the records of each partition in FILE up to (not including) its offset
(kafka-delete-records.sh). FILE holds
  {"partitions":[{"topic":"orders","partition":0,"offset":100}],"version":1}
and an offset of -1 means the partition's high watermark (delete everything).

Options:
  --bootstrap-server LIST      Brokers to connect to. Required.
  --offset-json-file FILE      The partitions and offsets, as above. Required.
  --command-config FILE        Admin client properties file.
  -h, --help                   Show this help.

Exit status: 0 done, 1 a partition failed, 2 bad command line or file.`,
  options: {
    'bootstrap-server': { type: 'string' },
    'offset-json-file': { type: 'string' },
    'command-config': { type: 'string' },
  },
} as const;

interface Target {
  topic: string;
  partition: number;
  offset: bigint;
}

export async function runDeleteRecords(args: string[]): Promise<number> {
  const flags = parseFlags(SPEC, args);
  if (typeof flags === 'number') return flags;
  return withAdmin(SPEC.name, flags, async (admin) => {
    const targets = parseOffsetJson(readJsonFile(requireFlag(flags, 'offset-json-file')));
    console.log('Executing records delete operation');
    let failed = 0;
    const lines: string[] = [];
    for (const t of targets) {
      try {
        const [r] = await admin.deleteRecords([t]);
        lines.push(`partition: ${t.topic}-${t.partition}\tlow_watermark: ${r!.lowWatermark}`);
      } catch (err) {
        failed++;
        lines.push(`partition: ${t.topic}-${t.partition}\terror: ${describeError(err)}`);
      }
    }
    console.log('Records delete operation completed:');
    for (const line of lines) console.log(line);
    return failed > 0 ? EXIT_FAILED : EXIT_OK;
  });
}

function readJsonFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${path}: ${(err as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${path} is not JSON: ${(err as Error).message}`);
  }
}

/** Kafka's offset JSON, version 1; duplicates and malformed entries are command-line errors. */
export function parseOffsetJson(json: unknown): Target[] {
  const doc = json as { version?: unknown; partitions?: unknown };
  if (typeof doc !== 'object' || doc === null)
    throw new UsageError('the offset JSON is not an object');
  if (doc.version !== undefined && doc.version !== 1)
    throw new UsageError(`Not supported version field value ${String(doc.version)}`);
  if (!Array.isArray(doc.partitions))
    throw new UsageError('the offset JSON has no "partitions" array');
  const seen = new Set<string>();
  const duplicates = new Set<string>();
  const out = doc.partitions.map((entry: unknown) => {
    const e = entry as { topic?: unknown; partition?: unknown; offset?: unknown };
    if (typeof e.topic !== 'string' || e.topic === '')
      throw new UsageError(`an entry has no "topic": ${JSON.stringify(entry)}`);
    if (!Number.isInteger(e.partition) || (e.partition as number) < 0)
      throw new UsageError(`an entry has no valid "partition": ${JSON.stringify(entry)}`);
    if (!Number.isInteger(e.offset) || (e.offset as number) < -1)
      throw new UsageError(`an entry has no valid "offset": ${JSON.stringify(entry)}`);
    const key = `${e.topic}-${e.partition as number}`;
    if (seen.has(key)) duplicates.add(key);
    seen.add(key);
    return { topic: e.topic, partition: e.partition as number, offset: BigInt(e.offset as number) };
  });
  if (duplicates.size > 0)
    throw new UsageError(
      `Offset json file contains duplicate topic partitions: ${[...duplicates].join(',')}`,
    );
  if (out.length === 0) throw new UsageError('the offset JSON lists no partitions');
  return out;
}
