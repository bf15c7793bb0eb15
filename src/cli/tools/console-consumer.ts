// `rivulet console-consumer`: kafka-console-consumer.sh — prints the records of a topic, one
// per line, formatted like Kafka's DefaultMessageFormatter (timestamp, partition, offset,
// headers, key, value; each optional). Without --group every partition is assigned directly.
import {
  Consumer,
  GroupConsumer,
  type ConsumerRecord,
  type IsolationLevel,
  type OffsetSpec,
} from '../../client/index.js';
import {
  clientOptions,
  EXIT_OK,
  failure,
  intFlag,
  keyValues,
  listFlag,
  parseFlags,
  readPropertiesFile,
  requireFlag,
  stringFlag,
  topicMatcher,
  unescape,
  UsageError,
  type FlagValues,
} from './tool-support.js';
import { FORMAT_HELP, FORMAT_OPTIONS, recordDecoder } from './schema-record-codec.js';

const SPEC = {
  name: 'console-consumer',
  help: `Usage: rivulet console-consumer --bootstrap-server HOST:PORT (--topic TOPIC | --include REGEX) [options]

Prints the records of TOPIC (or of every topic whose whole name matches REGEX) to standard
output, one per line.

Options:
  --bootstrap-server LIST       Brokers to connect to. Required.
  --topic TOPIC                 Topic to read.
  --include REGEX               Read every topic whose name matches REGEX; with --group,
                                topics created later are picked up too.
  --from-beginning              Start at the earliest offset (default: only new records).
  --group GROUP                 Consume as a member of consumer group GROUP (commits offsets).
  --partition N                 Read only partition N.
  --offset OFFSET               With --partition: earliest, latest or an offset number.
  --max-messages N              Exit after N records.
  --timeout-ms MS               Exit when no record arrives for MS milliseconds.
  --isolation-level LEVEL       read_uncommitted (default) or read_committed.
  --property KEY=VALUE          Formatter setting; repeatable: print.key, print.timestamp,
                                print.headers, print.partition, print.offset, print.value
                                (true/false), key.separator, line.separator,
                                headers.separator, headers.key.separator, null.literal.
  --consumer-property KEY=VALUE Consumer setting; repeatable (group.protocol=consumer for
                                KIP-848 groups, auto.offset.reset, isolation.level, ...).
  --consumer.config FILE        Consumer properties file.
${FORMAT_HELP}
  -h, --help                    Show this help.

Exit status: 0 done (also on timeout or Ctrl-C), 1 consuming failed, 2 bad command line.`,
  aliases: {
    'formatter-property': 'property',
    'command-property': 'consumer-property',
    'command-config': 'consumer.config',
  },
  options: {
    ...FORMAT_OPTIONS,
    'bootstrap-server': { type: 'string' },
    topic: { type: 'string' },
    include: { type: 'string' },
    'from-beginning': { type: 'boolean' },
    group: { type: 'string' },
    partition: { type: 'string' },
    offset: { type: 'string' },
    'max-messages': { type: 'string' },
    'timeout-ms': { type: 'string' },
    'isolation-level': { type: 'string' },
    property: { type: 'string', multiple: true },
    'consumer-property': { type: 'string', multiple: true },
    'consumer.config': { type: 'string' },
  },
} as const;

interface Formatter {
  (r: ConsumerRecord): string;
}

export async function runConsoleConsumer(args: string[]): Promise<number> {
  const flags = parseFlags(SPEC, args);
  if (typeof flags === 'number') return flags;
  let source: RecordSource | null = null;
  let count = 0;
  try {
    const maxMessages = intFlag(flags, 'max-messages');
    const timeoutMs = intFlag(flags, 'timeout-ms');
    const format = formatter(keyValues(listFlag(flags, 'property')));
    const decode = recordDecoder(
      {
        keyFormat: stringFlag(flags, 'key-format'),
        valueFormat: stringFlag(flags, 'value-format'),
        registryUrl: stringFlag(flags, 'schema-registry-url'),
      },
      keyValues(listFlag(flags, 'property')),
    );
    source = await openSource(flags);
    const stop = new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    const iterator = source.records[Symbol.asyncIterator]();
    while (maxMessages === undefined || count < maxMessages) {
      const next = await nextOrTimeout(iterator, stop, timeoutMs);
      if (next === null) break;
      process.stdout.write(format(decode === null ? next : await decode(next)));
      count++;
      source.processed(next);
    }
    return EXIT_OK;
  } catch (err) {
    return failure(SPEC.name, err);
  } finally {
    await source?.close().catch(() => {});
    console.error(`Processed a total of ${count} messages`);
  }
}

interface RecordSource {
  records: AsyncIterable<ConsumerRecord>;
  processed(r: ConsumerRecord): void;
  close(): Promise<void>;
}

async function openSource(flags: FlagValues): Promise<RecordSource> {
  const topic = stringFlag(flags, 'topic');
  const include = stringFlag(flags, 'include');
  if ((topic === undefined) === (include === undefined))
    throw new UsageError('exactly one of --topic and --include is required');
  const matches = include === undefined ? null : topicMatcher(include); // usage error if invalid
  const bootstrap = requireFlag(flags, 'bootstrap-server');
  const configFile = stringFlag(flags, 'consumer.config');
  const props =
    configFile === undefined ? new Map<string, string>() : readPropertiesFile(configFile);
  for (const [k, v] of keyValues(listFlag(flags, 'consumer-property'))) props.set(k, v);
  const isolation =
    stringFlag(flags, 'isolation-level') ?? props.get('isolation.level') ?? 'read_uncommitted';
  if (isolation !== 'read_uncommitted' && isolation !== 'read_committed') {
    throw new UsageError(
      `--isolation-level '${isolation}' is not read_uncommitted or read_committed`,
    );
  }
  const fromBeginning = flags['from-beginning'] === true;
  const options = {
    ...clientOptions(bootstrap, props),
    isolationLevel: isolation as IsolationLevel,
    autoOffsetReset: fromBeginning
      ? ('earliest' as const)
      : ((props.get('auto.offset.reset') as 'earliest' | 'latest' | undefined) ?? 'latest'),
  };
  const partition = intFlag(flags, 'partition');
  const offsetFlag = stringFlag(flags, 'offset');
  if (offsetFlag !== undefined && partition === undefined)
    throw new UsageError('--offset needs --partition');
  if (partition !== undefined && include !== undefined)
    throw new UsageError('--partition needs --topic, not --include');
  const group = stringFlag(flags, 'group');
  if (group !== undefined) {
    if (partition !== undefined)
      throw new UsageError('--group cannot be combined with --partition');
    const groupProtocol = props.get('group.protocol') === 'consumer' ? 'consumer' : 'classic';
    const consumer = new GroupConsumer({ ...options, groupId: group, groupProtocol });
    try {
      await consumer.connect();
    } catch (err) {
      await consumer.close().catch(() => {});
      throw err;
    }
    consumer.subscribe(include === undefined ? [topic!] : { pattern: include });
    return {
      records: consumer.records(),
      processed: (r) => consumer.markProcessed(r),
      close: () => consumer.close(),
    };
  }
  const consumer = new Consumer(options);
  const start: OffsetSpec =
    offsetFlag !== undefined ? parseOffset(offsetFlag) : fromBeginning ? 'earliest' : 'latest';
  try {
    await consumer.connect();
    if (partition !== undefined) {
      consumer.assign([{ topic: topic!, partition, offset: start }]);
    } else {
      // A topic that does not appear within --timeout-ms is an error, not a wait without end.
      const timeoutMs = intFlag(flags, 'timeout-ms');
      const topics =
        include === undefined
          ? [await consumer.cluster.topicMetadata(topic!, { timeoutMs })]
          : (await consumer.cluster.listTopics()).filter(
              (t) => !t.isInternal && !t.name.startsWith('__') && matches!(t.name),
            );
      consumer.assign(
        topics.flatMap((t) =>
          t.partitions.map((p) => ({ topic: t.name, partition: p.partition, offset: start })),
        ),
      );
    }
  } catch (err) {
    consumer.close();
    throw err;
  }
  return {
    records: consumer.records(),
    processed: () => {},
    close: async () => consumer.close(),
  };
}

function parseOffset(v: string): OffsetSpec {
  if (v === 'earliest' || v === 'latest') return v;
  if (!/^\d+$/.test(v))
    throw new UsageError(`--offset '${v}' is not earliest, latest or an offset`);
  return BigInt(v);
}

async function nextOrTimeout(
  iterator: AsyncIterator<ConsumerRecord>,
  stop: Promise<void>,
  timeoutMs: number | undefined,
): Promise<ConsumerRecord | null> {
  let timer: NodeJS.Timeout | undefined;
  const races: Promise<IteratorResult<ConsumerRecord> | null>[] = [
    iterator.next(),
    stop.then(() => null),
  ];
  if (timeoutMs !== undefined) {
    races.push(new Promise((resolve) => (timer = setTimeout(() => resolve(null), timeoutMs))));
  }
  try {
    const next = await Promise.race(races);
    return next === null || next.done === true ? null : next.value;
  } finally {
    clearTimeout(timer);
  }
}

/** Kafka's DefaultMessageFormatter. */
export function formatter(p: ReadonlyMap<string, string>): Formatter {
  const on = (k: string, dflt = false) => (p.has(k) ? p.get(k) === 'true' : dflt);
  const printTimestamp = on('print.timestamp');
  const printPartition = on('print.partition');
  const printOffset = on('print.offset');
  const printHeaders = on('print.headers');
  const printKey = on('print.key');
  const printValue = on('print.value', true);
  const keySep = unescape(p.get('key.separator') ?? '\t');
  const lineSep = unescape(p.get('line.separator') ?? '\n');
  const headersSep = unescape(p.get('headers.separator') ?? ',');
  const headerKeySep = unescape(p.get('headers.key.separator') ?? ':');
  const nullLiteral = p.get('null.literal') ?? 'null';
  const text = (b: Buffer | null) => (b === null ? nullLiteral : b.toString('utf8'));
  return (r) => {
    let out = '';
    if (printTimestamp) {
      out +=
        r.timestamp < 0
          ? 'NO_TIMESTAMP'
          : `${r.timestampType === 'log-append-time' ? 'LogAppendTime' : 'CreateTime'}:${r.timestamp}`;
      out += keySep;
    }
    if (printPartition) out += `Partition:${r.partition}${keySep}`;
    if (printOffset) out += `Offset:${r.offset}${keySep}`;
    if (printHeaders) {
      out +=
        r.headers.length === 0
          ? 'NO_HEADERS'
          : r.headers.map((h) => `${h.key}${headerKeySep}${text(h.value)}`).join(headersSep);
      out += keySep;
    }
    if (printKey) out += text(r.key) + (printValue ? keySep : '');
    if (printValue) out += text(r.value);
    return out + lineSep;
  };
}
