// `rivulet leader-election`: kafka-leader-election.sh — runs PREFERRED or UNCLEAN elections
// (ElectLeaders, on the active controller) for every partition, one partition, or the
// partitions of Kafka's JSON file {"partitions":[{"topic":"t","partition":0}]}, and prints
// Kafka's lines: successes, partitions whose valid replica already leads, and failures.
import { readFileSync } from 'node:fs';
import type { ElectionTypeName } from '../../client/index.js';
import {
  EXIT_FAILED,
  EXIT_OK,
  intFlag,
  parseFlags,
  stringFlag,
  UsageError,
  withAdmin,
} from './tool-support.js';

const SPEC = {
  name: 'leader-election',
  help: `Usage: rivulet leader-election --bootstrap-server HOST:PORT --election-type TYPE
       (--all-topic-partitions | --topic T --partition N | --path-to-json-file FILE)

Elects partition leaders (kafka-leader-election.sh). TYPE is PREFERRED (the first replica
of the assignment leads again, if it is in sync) or UNCLEAN (a partition without a live
leader gets one, even a replica that may miss acknowledged records).

Options:
  --bootstrap-server LIST      Brokers to connect to. Required.
  --election-type TYPE         PREFERRED or UNCLEAN. Required.
  --all-topic-partitions       Every partition of every topic.
  --topic NAME                 With --partition: one partition.
  --partition N                The partition of --topic.
  --path-to-json-file FILE     {"partitions":[{"topic":"t","partition":0}]}.
  --admin.config FILE          Admin client properties file (also --command-config).
  -h, --help                   Show this help.

Exit status: 0 done, 1 an election failed, 2 bad command line or file.`,
  options: {
    'bootstrap-server': { type: 'string' },
    'election-type': { type: 'string' },
    'all-topic-partitions': { type: 'boolean' },
    topic: { type: 'string' },
    partition: { type: 'string' },
    'path-to-json-file': { type: 'string' },
    'command-config': { type: 'string' },
  },
  aliases: { 'admin.config': 'command-config' },
} as const;

type Partitions = { topic: string; partition: number }[] | null;

export async function runLeaderElection(args: string[]): Promise<number> {
  const flags = parseFlags(SPEC, args);
  if (typeof flags === 'number') return flags;
  return withAdmin(SPEC.name, flags, async (admin) => {
    const type = electionType(stringFlag(flags, 'election-type'));
    const partitions = chosenPartitions(flags);
    const results = await admin.electLeaders(type, partitions);
    const name = (r: { topic: string; partition: number }) => `${r.topic}-${r.partition}`;
    const succeeded = results.filter((r) => r.errorCode === 0).map(name);
    // 84: ELECTION_NOT_NEEDED.
    const noop = results.filter((r) => r.errorCode === 84).map(name);
    const failed = results.filter((r) => r.errorCode !== 0 && r.errorCode !== 84);
    if (succeeded.length > 0) {
      console.log(
        `Successfully completed leader election (${type}) for partitions ${succeeded.join(', ')}`,
      );
    }
    if (noop.length > 0) {
      console.log(`Valid replica already elected for partitions ${noop.join(', ')}`);
    }
    for (const f of failed) {
      console.log(
        `Error completing leader election (${type}) for partition: ${name(f)}: ${f.errorMessage ?? `error ${f.errorCode}`}`,
      );
    }
    if (failed.length === 0) return EXIT_OK;
    console.error(`${failed.length} replica(s) could not be elected`);
    return EXIT_FAILED;
  });
}

function electionType(value: string | undefined): ElectionTypeName {
  const upper = value?.toUpperCase();
  if (upper === 'PREFERRED' || upper === 'UNCLEAN') return upper;
  if (value === undefined) throw new UsageError('--election-type is required');
  throw new UsageError(`--election-type '${value}' is not PREFERRED or UNCLEAN`);
}

function chosenPartitions(flags: Parameters<typeof stringFlag>[0]): Partitions {
  const all = flags['all-topic-partitions'] === true;
  const topic = stringFlag(flags, 'topic');
  const file = stringFlag(flags, 'path-to-json-file');
  const chosen = [all, topic !== undefined, file !== undefined].filter(Boolean).length;
  if (chosen !== 1) {
    throw new UsageError(
      'exactly one of --all-topic-partitions, --topic (with --partition) or --path-to-json-file is required',
    );
  }
  if (all) return null;
  if (topic !== undefined) {
    const partition = intFlag(flags, 'partition');
    if (partition === undefined) throw new UsageError('--partition is required with --topic');
    return [{ topic, partition }];
  }
  return parsePartitionsJson(readJson(file!));
}

function readJson(path: string): unknown {
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

/** Kafka's {"partitions":[{"topic":..,"partition":..}]}; duplicates are refused, as Kafka's. */
export function parsePartitionsJson(json: unknown): { topic: string; partition: number }[] {
  const list = (json as { partitions?: unknown } | null)?.partitions;
  if (!Array.isArray(list)) throw new UsageError('the JSON file has no "partitions" array');
  const seen = new Set<string>();
  return list.map((entry: unknown) => {
    const e = entry as { topic?: unknown; partition?: unknown };
    if (typeof e.topic !== 'string' || !Number.isInteger(e.partition)) {
      throw new UsageError(`not a topic partition: ${JSON.stringify(entry)}`);
    }
    const key = `${e.topic}-${e.partition as number}`;
    if (seen.has(key))
      throw new UsageError(`Replica election data contains duplicate partitions: ${key}`);
    seen.add(key);
    return { topic: e.topic, partition: e.partition as number };
  });
}
