// `rivulet consumer-perf-test`: kafka-consumer-perf-test.sh — reads --messages records from
// the start of a topic (all partitions, or as --group) and prints Kafka's CSV summary line:
// start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec,
// rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec.
import { Consumer, GroupConsumer, type ConsumerBatch } from '../../client/index.js';
import {
  clientOptions,
  EXIT_FAILED,
  EXIT_OK,
  failure,
  intFlag,
  keyValues,
  listFlag,
  parseFlags,
  readPropertiesFile,
  requireFlag,
  stringFlag,
  UsageError,
} from './tool-support.js';

const SPEC = {
  name: 'consumer-perf-test',
  help: `Usage: rivulet consumer-perf-test --bootstrap-server HOST:PORT --topic TOPIC --messages N [options]

Measures consumer throughput, like kafka-consumer-perf-test.sh.

Options:
  --bootstrap-server LIST     Brokers to connect to. Required.
  --topic TOPIC               Topic to read. Required.
  --messages N                Records to read. Required.
  --group GROUP               Consume as a group member (default: assign all partitions).
  --from-latest               Start at the end instead of the beginning.
  --timeout MS                Give up after MS without a record (default 10000).
  --show-detailed-stats       Print a line per --reporting-interval.
  --reporting-interval MS     Interval of detailed stats (default 5000).
  --consumer.config FILE      Consumer properties file.
  --consumer-property K=V     Consumer setting; repeatable.
  -h, --help                  Show this help.

Exit status: 0 all records read, 1 timed out or failed, 2 bad command line.`,
  aliases: {
    'command-property': 'consumer-property',
    'command-config': 'consumer.config',
  },
  options: {
    'bootstrap-server': { type: 'string' },
    topic: { type: 'string' },
    messages: { type: 'string' },
    group: { type: 'string' },
    'from-latest': { type: 'boolean' },
    timeout: { type: 'string' },
    'show-detailed-stats': { type: 'boolean' },
    'reporting-interval': { type: 'string' },
    'consumer.config': { type: 'string' },
    'consumer-property': { type: 'string', multiple: true },
  },
} as const;

const HEADER =
  'start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec';

export async function runConsumerPerfTest(args: string[]): Promise<number> {
  const flags = parseFlags(SPEC, args);
  if (typeof flags === 'number') return flags;
  let close: (() => Promise<void>) | null = null;
  try {
    const topic = requireFlag(flags, 'topic');
    const bootstrap = requireFlag(flags, 'bootstrap-server');
    const messages = intFlag(flags, 'messages');
    if (messages === undefined || messages <= 0)
      throw new UsageError('--messages must be a positive integer');
    const timeoutMs = intFlag(flags, 'timeout') ?? 10_000;
    const configFile = stringFlag(flags, 'consumer.config');
    const props =
      configFile === undefined ? new Map<string, string>() : readPropertiesFile(configFile);
    for (const [k, v] of keyValues(listFlag(flags, 'consumer-property'))) props.set(k, v);
    const reset = flags['from-latest'] === true ? ('latest' as const) : ('earliest' as const);
    const options = {
      ...clientOptions(bootstrap, props),
      autoOffsetReset: reset,
      maxPartitionFetchBytes: props.has('max.partition.fetch.bytes')
        ? Number(props.get('max.partition.fetch.bytes'))
        : undefined,
      fetchMaxBytes: props.has('fetch.max.bytes')
        ? Number(props.get('fetch.max.bytes'))
        : undefined,
    };
    const startMs = Date.now();
    let batches: AsyncIterator<ConsumerBatch>;
    const group = stringFlag(flags, 'group');
    if (group !== undefined) {
      const c = new GroupConsumer({ ...options, groupId: group });
      close = () => c.close();
      await c.connect();
      c.subscribe([topic]);
      batches = c.batches();
    } else {
      const c = new Consumer(options);
      close = async () => c.close();
      await c.connect();
      // A topic that does not appear within --timeout is an error, not a wait without end.
      const meta = await c.cluster.topicMetadata(topic, { timeoutMs });
      c.assign(meta.partitions.map((p) => ({ topic, partition: p.partition, offset: reset })));
      batches = c.batches();
    }
    const result = await consume(
      batches,
      messages,
      timeoutMs,
      flags['show-detailed-stats'] === true ? (intFlag(flags, 'reporting-interval') ?? 5000) : 0,
    );
    const endMs = Date.now();
    const fetchMs = Math.max(1, endMs - result.firstMs);
    const totalS = Math.max(1, endMs - startMs) / 1000;
    const mb = result.bytes / 1024 / 1024;
    console.log(HEADER);
    console.log(
      [
        stamp(startMs),
        stamp(endMs),
        mb.toFixed(4),
        (mb / totalS).toFixed(4),
        String(result.count),
        (result.count / totalS).toFixed(4),
        String(result.firstMs - startMs),
        String(fetchMs),
        (mb / (fetchMs / 1000)).toFixed(4),
        (result.count / (fetchMs / 1000)).toFixed(4),
      ].join(', '),
    );
    if (result.count < messages) {
      console.error(
        `rivulet consumer-perf-test: only ${result.count} of ${messages} records arrived within ${timeoutMs} ms`,
      );
      return EXIT_FAILED;
    }
    return EXIT_OK;
  } catch (err) {
    return failure(SPEC.name, err);
  } finally {
    await close?.().catch(() => {});
  }
}

async function consume(
  batches: AsyncIterator<ConsumerBatch>,
  messages: number,
  timeoutMs: number,
  reportMs: number,
) {
  let count = 0;
  let bytes = 0;
  let firstMs = Date.now();
  let lastReport = Date.now();
  while (count < messages) {
    let timer: NodeJS.Timeout | undefined;
    const next = await Promise.race([
      batches.next(),
      new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), timeoutMs))),
    ]);
    clearTimeout(timer);
    if (next === null || next.done === true) break;
    if (count === 0) firstMs = Date.now();
    for (const r of next.value.records) {
      bytes += (r.value?.length ?? 0) + (r.key?.length ?? 0);
      if (++count >= messages) break;
    }
    if (reportMs > 0 && Date.now() - lastReport >= reportMs) {
      lastReport = Date.now();
      console.log(`${stamp(lastReport)}, ${(bytes / 1024 / 1024).toFixed(4)} MB, ${count} records`);
    }
  }
  return { count, bytes, firstMs };
}

function stamp(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
}
