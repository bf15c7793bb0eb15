// `rivulet producer-perf-test`: kafka-producer-perf-test.sh — sends --num-records records of
// --record-size bytes (optionally capped at --throughput records/s), printing a progress line
// every 5 s and a summary with records/s, MB/s and latency percentiles.
import { readFileSync } from 'node:fs';
import { formatMetrics, Producer, type CompressionName } from '../../client/index.js';
import { PerfStats } from './perf-stats.js';
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
  unescape,
  UsageError,
  type FlagValues,
} from './tool-support.js';

const SPEC = {
  name: 'producer-perf-test',
  help: `Usage: rivulet producer-perf-test --topic TOPIC --num-records N (--record-size BYTES | --payload-file FILE) --throughput N
         (--bootstrap-server HOST:PORT | --producer-props bootstrap.servers=HOST:PORT ...)

Measures producer throughput and latency, like kafka-producer-perf-test.sh.

Options:
  --topic TOPIC               Topic to write to. Required.
  --num-records N             Records to send. Required.
  --record-size BYTES         Size of each record value (or --payload-file).
  --payload-file FILE         Values are drawn at random from this UTF-8 file, split by
                              --payload-delimiter (default: a line break).
  --payload-delimiter STR     What separates the payloads of --payload-file.
  --print-metrics             Print the producer's metrics at the end (Kafka's names).
  --throughput N              Records/s cap; -1 for none. Required.
  --producer-props K=V ...    Producer settings (bootstrap.servers, acks, linger.ms,
                              batch.size, compression.type, buffer.memory, ...).
  --producer.config FILE      Producer properties file.
  --bootstrap-server LIST     Brokers (instead of bootstrap.servers in --producer-props).
  --reporting-interval MS     Progress line interval (default 5000).
  --transactional-id ID       Send in transactions with this transactional.id (also taken
                              from transactional.id in the producer settings).
  --transaction-duration-ms MS
                              Commit a transaction and begin the next every MS (default
                              3000 when transactional; a positive value alone enables
                              transactions with a generated id).
  -h, --help                  Show this help.`,
  aliases: {
    'command-property': 'producer-props',
    'command-config': 'producer.config',
  },
  options: {
    topic: { type: 'string' },
    'num-records': { type: 'string' },
    'record-size': { type: 'string' },
    'payload-file': { type: 'string' },
    'payload-delimiter': { type: 'string' },
    'print-metrics': { type: 'boolean' },
    throughput: { type: 'string' },
    'producer-props': { type: 'string', multiple: true },
    'producer.config': { type: 'string' },
    'bootstrap-server': { type: 'string' },
    'reporting-interval': { type: 'string' },
    'transactional-id': { type: 'string' },
    'transaction-duration-ms': { type: 'string' },
  },
} as const;

/** Kafka's --producer-props takes several values after one flag; repeat the flag for each. */
export function expandMultiValue(args: readonly string[], flag: string): string[] {
  const out: string[] = [];
  let inside = false;
  for (const a of args) {
    if (a === flag) {
      inside = true;
      continue;
    }
    if (a.startsWith('-')) inside = false;
    if (inside) out.push(flag, a);
    else out.push(a);
  }
  return out;
}

export async function runProducerPerfTest(args: string[]): Promise<number> {
  const flags = parseFlags(
    SPEC,
    expandMultiValue(expandMultiValue(args, '--producer-props'), '--command-property'),
  );
  if (typeof flags === 'number') return flags;
  let producer: Producer | null = null;
  try {
    const topic = requireFlag(flags, 'topic');
    const numRecords = requirePositive(intFlag(flags, 'num-records'), 'num-records');
    const payloads = payloadsFrom(flags);
    const throughput = intFlag(flags, 'throughput');
    if (throughput === undefined)
      throw new UsageError('--throughput is required (-1 for no limit)');
    const configFile = stringFlag(flags, 'producer.config');
    const props =
      configFile === undefined ? new Map<string, string>() : readPropertiesFile(configFile);
    for (const [k, v] of keyValues(listFlag(flags, 'producer-props'))) props.set(k, v);
    const bootstrap = stringFlag(flags, 'bootstrap-server') ?? props.get('bootstrap.servers');
    if (bootstrap === undefined)
      throw new UsageError('--bootstrap-server or bootstrap.servers is required');
    const durationFlag = intFlag(flags, 'transaction-duration-ms');
    const transactionalId =
      stringFlag(flags, 'transactional-id') ??
      props.get('transactional.id') ??
      (durationFlag !== undefined && durationFlag > 0
        ? `performance-producer-${process.pid}`
        : null);
    const transactionDurationMs =
      transactionalId === null
        ? 0
        : durationFlag !== undefined && durationFlag > 0
          ? durationFlag
          : 3000;
    producer = new Producer({ ...producerOptions(bootstrap, props), transactionalId });
    await producer.connect();
    if (transactionalId !== null) await producer.initTransactions();
    await sendAll(producer, {
      transactionDurationMs,
      topic,
      numRecords,
      payloads,
      throughput,
      reportMs: intFlag(flags, 'reporting-interval') ?? 5000,
    });
    if (flags['print-metrics'] === true) console.log(`\n${formatMetrics(producer.metrics())}`);
    return EXIT_OK;
  } catch (err) {
    return failure(SPEC.name, err);
  } finally {
    await producer?.close().catch(() => {});
  }
}

/**
 * The record values: one buffer of --record-size bytes, or (as Kafka's tool does) the
 * non-empty pieces of --payload-file, one drawn at random for each record.
 */
function payloadsFrom(flags: FlagValues): Buffer[] {
  const file = stringFlag(flags, 'payload-file');
  const size = intFlag(flags, 'record-size');
  if ((file === undefined) === (size === undefined))
    throw new UsageError('give exactly one of --record-size and --payload-file');
  if (file === undefined) {
    const payload = Buffer.alloc(requirePositive(size, 'record-size'));
    for (let i = 0; i < payload.length; i++) payload[i] = 65 + (i % 26);
    return [payload];
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read --payload-file ${file}: ${(err as Error).message}`);
  }
  const delimiter = unescape(stringFlag(flags, 'payload-delimiter') ?? '\\n');
  const pieces = text.split(delimiter).filter((p) => p !== '');
  if (pieces.length === 0) throw new UsageError(`--payload-file ${file} holds no payloads`);
  console.log(`Reading payloads from: ${file}`);
  console.log(`Number of messages read: ${pieces.length}`);
  return pieces.map((p) => Buffer.from(p, 'utf8'));
}

function requirePositive(v: number | undefined, flag: string): number {
  if (v === undefined || v <= 0) throw new UsageError(`--${flag} must be a positive integer`);
  return v;
}

export function producerOptions(bootstrap: string, props: ReadonlyMap<string, string>) {
  const num = (k: string) => (props.has(k) ? Number(props.get(k)) : undefined);
  const acks = props.get('acks') ?? 'all';
  const acksValue = acks === 'all' || acks === '-1' ? ('all' as const) : (Number(acks) as 0 | 1);
  return {
    ...clientOptions(bootstrap, props),
    acks: acksValue,
    idempotent: acksValue === 'all' && props.get('enable.idempotence') !== 'false',
    lingerMs: num('linger.ms'),
    batchSize: num('batch.size'),
    bufferMemory: num('buffer.memory'),
    compression: (props.get('compression.type') ?? 'none') as CompressionName,
    maxInFlightRequestsPerConnection: num('max.in.flight.requests.per.connection'),
  };
}

interface Run {
  /** Commit and begin a new transaction this often; 0 without transactions. */
  transactionDurationMs: number;
  topic: string;
  numRecords: number;
  payloads: readonly Buffer[];
  throughput: number;
  reportMs: number;
}

async function sendAll(producer: Producer, run: Run): Promise<void> {
  const stats = new PerfStats(run.numRecords);
  const reporter = setInterval(() => console.log(stats.progressLine()), run.reportMs);
  // Bound the records between send() and their answer; buffer.memory does the rest.
  const bufferMemory = producer.options.bufferMemory ?? 32 * 1024 * 1024;
  const largest = Math.max(...run.payloads.map((p) => p.length));
  const maxOutstanding = Math.min(
    50_000,
    Math.max(1000, Math.floor(bufferMemory / (largest + 32))),
  );
  let outstanding = 0;
  let released: (() => void) | null = null;
  let firstError: unknown = null;
  const started = performance.now();
  const transactional = run.transactionDurationMs > 0;
  let transactionStarted = started;
  if (transactional) producer.beginTransaction();
  try {
    for (let i = 0; i < run.numRecords && firstError === null; i++) {
      if (transactional && performance.now() - transactionStarted >= run.transactionDurationMs) {
        await producer.commitTransaction();
        producer.beginTransaction();
        transactionStarted = performance.now();
      }
      if (run.throughput > 0) {
        const aheadMs = (i / run.throughput) * 1000 - (performance.now() - started);
        if (aheadMs > 1) await new Promise((r) => setTimeout(r, aheadMs));
      }
      if (outstanding >= maxOutstanding) await new Promise<void>((r) => (released = r));
      const sentAt = performance.now();
      const payload =
        run.payloads.length === 1
          ? run.payloads[0]!
          : run.payloads[Math.floor(Math.random() * run.payloads.length)]!;
      outstanding++;
      producer
        .send({ topic: run.topic, value: payload })
        .then(
          () => stats.record(performance.now() - sentAt, payload.length),
          (err: unknown) => {
            firstError ??= err;
          },
        )
        .finally(() => {
          outstanding--;
          const r = released;
          released = null;
          r?.();
        });
    }
    if (transactional && firstError === null) await producer.commitTransaction();
    else await producer.flush();
  } finally {
    clearInterval(reporter);
  }
  if (firstError !== null) throw firstError;
  console.log(stats.summaryLine());
}
