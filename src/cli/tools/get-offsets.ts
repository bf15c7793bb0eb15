// `rivulet get-offsets`: kafka-get-offsets.sh (GetOffsetShell) — the offset of each matching
// partition for a --time (latest, earliest, max-timestamp or a timestamp), one
// `topic:partition:offset` line per partition, sorted as Kafka sorts them ("topic-partition").
import type { Admin } from '../../client/index.js';
import {
  EXIT_OK,
  describeError,
  parseFlags,
  stringFlag,
  topicMatcher,
  UsageError,
  withAdmin,
  type FlagValues,
} from './tool-support.js';

const SPEC = {
  name: 'get-offsets',
  help: `Usage: rivulet get-offsets --bootstrap-server HOST:PORT [options]

Prints topic:partition:offset for every partition that matches (kafka-get-offsets.sh).

Options:
  --bootstrap-server LIST      Brokers to connect to. Required.
  --topic REGEX                Topics to query (a regular expression; default all topics).
  --partitions LIST            Comma-separated partition ids (default all partitions).
  --topic-partitions LIST      Comma-separated TOPIC_REGEX[:PARTITIONS] patterns, where
                               PARTITIONS is N, N-M (M exclusive), N- or -M. Not with
                               --topic or --partitions.
  --time TIME                  -1 or latest (default), -2 or earliest, -3 or max-timestamp,
                               or a timestamp in ms: the first offset at or after it.
  --exclude-internal-topics    Leave out internal topics (__consumer_offsets, ...).
  --command-config FILE        Admin client properties file.
  -h, --help                   Show this help.

A partition without an offset for --time (no record at or after the timestamp) is left out.

Exit status: 0 done, 1 the operation failed or nothing matched, 2 bad command line.`,
  options: {
    'bootstrap-server': { type: 'string' },
    topic: { type: 'string' },
    partitions: { type: 'string' },
    'topic-partitions': { type: 'string' },
    time: { type: 'string' },
    'exclude-internal-topics': { type: 'boolean' },
    'command-config': { type: 'string' },
  },
} as const;

type PartitionFilter = (partition: number) => boolean;
type Rule = { topic: (name: string) => boolean; partition: PartitionFilter };

export async function runGetOffsets(args: string[]): Promise<number> {
  const flags = parseFlags(SPEC, args);
  if (typeof flags === 'number') return flags;
  return withAdmin(SPEC.name, flags, async (admin) => {
    const rules = parseRules(flags);
    const time = parseTime(stringFlag(flags, 'time') ?? 'latest');
    const partitions = await matchingPartitions(
      admin,
      rules,
      flags['exclude-internal-topics'] === true,
    );
    if (partitions.length === 0)
      throw new Error('Could not match any topic-partitions with the specified filters');
    const lines: [string, string][] = [];
    for (const p of partitions) {
      try {
        const [r] = await admin.listOffsets([p], time);
        if (r !== undefined && r.offset >= 0n)
          lines.push([`${p.topic}-${p.partition}`, `${p.topic}:${p.partition}:${r.offset}`]);
      } catch (err) {
        console.error(
          `Skip getting offsets for topic-partition ${p.topic}-${p.partition} due to error: ${describeError(err)}`,
        );
      }
    }
    lines.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    for (const [, line] of lines) console.log(line);
    return EXIT_OK;
  });
}

function parseRules(flags: FlagValues): Rule[] {
  const tp = stringFlag(flags, 'topic-partitions');
  const topic = stringFlag(flags, 'topic');
  const partitions = stringFlag(flags, 'partitions');
  if (tp !== undefined) {
    if (topic !== undefined || partitions !== undefined)
      throw new UsageError('--topic-partitions cannot be used with --topic or --partitions');
    return tp.split(',').map(parseRule);
  }
  let partition: PartitionFilter = () => true;
  if (partitions !== undefined && partitions !== '') {
    const ids = new Set(
      partitions.split(',').map((s) => {
        if (!/^\d+$/.test(s.trim())) throw new UsageError(`Invalid partition '${s}' specified`);
        return Number(s.trim());
      }),
    );
    partition = (p) => ids.has(p);
  }
  return [{ topic: topicMatcher(topic ?? '.*'), partition }];
}

/** TOPIC_REGEX[:N | :N-M | :N- | :-M] as in Kafka's TOPIC_PARTITION_PATTERN. */
function parseRule(spec: string): Rule {
  const m = /^([^:,]*)(?::(?:(\d*)|(?:(\d*)-(\d*))))?$/.exec(spec);
  if (m === null) throw new UsageError(`Invalid rule specification: ${spec}`);
  const [, topicPart, single, lower, upper] = m;
  const topic = topicMatcher(topicPart === '' ? '.*' : topicPart);
  let partition: PartitionFilter = () => true;
  if (single !== undefined && single !== '') {
    const n = Number(single);
    partition = (p) => p === n;
  } else if (lower !== undefined || upper !== undefined) {
    const lo = lower === undefined || lower === '' ? 0 : Number(lower);
    const hi = upper === undefined || upper === '' ? Infinity : Number(upper);
    partition = (p) => p >= lo && p < hi;
  }
  return { topic, partition };
}

function parseTime(v: string): 'earliest' | 'latest' | number {
  if (v === 'latest' || v === '-1') return 'latest';
  if (v === 'earliest' || v === '-2') return 'earliest';
  if (v === 'max-timestamp') return -3;
  if (!/^-?\d+$/.test(v))
    throw new UsageError(
      `Malformed time argument ${v}. Please use -1 or latest / -2 or earliest / -3 or max-timestamp, or a specified long format timestamp`,
    );
  return Number(v);
}

async function matchingPartitions(admin: Admin, rules: Rule[], excludeInternal: boolean) {
  const names = await admin.listTopics({ includeInternal: !excludeInternal });
  const matching = names.filter((n) => rules.some((r) => r.topic(n)));
  if (matching.length === 0) return [];
  const out: { topic: string; partition: number }[] = [];
  for (const t of await admin.describeTopics(matching)) {
    if (excludeInternal && t.isInternal) continue;
    for (const p of t.partitions) {
      if (rules.some((r) => r.topic(t.name) && r.partition(p.partition)))
        out.push({ topic: t.name, partition: p.partition });
    }
  }
  return out;
}
