// `rivulet verifiable-producer` and `rivulet verifiable-consumer`: Kafka's VerifiableProducer
// and VerifiableConsumer, the tools Kafka's system tests drive. Each prints one JSON object per
// line on stdout, with Kafka's event names and fields, so a harness written for Kafka's tools
// can parse them:
//   producer: startup_complete, producer_send_success, producer_send_error, shutdown_complete,
//             tool_data
//   consumer: startup_complete, partitions_revoked, partitions_assigned, records_consumed,
//             record_data (--verbose), offsets_committed, shutdown_complete
import {
  GroupConsumer,
  Producer,
  type ConsumerBatch,
  type TopicPartition,
} from '../../client/index.js';
import {
  clientOptions,
  describeError,
  EXIT_OK,
  failure,
  intFlag,
  parseFlags,
  readPropertiesFile,
  requireFlag,
  stringFlag,
  UsageError,
  type FlagValues,
} from './tool-support.js';

function emit(name: string, fields: Record<string, unknown> = {}): void {
  process.stdout.write(
    `${JSON.stringify({ timestamp: Date.now(), name, ...fields }, (_, v: unknown) =>
      typeof v === 'bigint' ? Number(v) : v,
    )}\n`,
  );
}

/** Resolves on the first SIGINT or SIGTERM; `dispose` removes the handlers. */
function stopSignal(): { stopped: Promise<void>; dispose(): void } {
  let resolve!: () => void;
  const stopped = new Promise<void>((r) => (resolve = r));
  process.once('SIGINT', resolve);
  process.once('SIGTERM', resolve);
  return {
    stopped,
    dispose: () => {
      process.removeListener('SIGINT', resolve);
      process.removeListener('SIGTERM', resolve);
    },
  };
}

function bootstrapOf(flags: FlagValues): string {
  const b = stringFlag(flags, 'bootstrap-server') ?? stringFlag(flags, 'broker-list');
  if (b === undefined || b === '') throw new UsageError('--bootstrap-server is required');
  return b;
}

const PRODUCER_SPEC = {
  name: 'verifiable-producer',
  help: `Usage: rivulet verifiable-producer --bootstrap-server HOST:PORT --topic TOPIC [options]

Sends the values 0, 1, 2, ... (or PREFIX.0, ...) and prints a JSON line per event, as
Kafka's VerifiableProducer does: startup_complete, producer_send_success (topic, partition,
offset, key, value) or producer_send_error (exception, message, topic, key, value) per record,
then shutdown_complete and tool_data (sent, acked, target_throughput, avg_throughput).

Options:
  --bootstrap-server LIST       Brokers to connect to. Required (--broker-list also works).
  --topic TOPIC                 Topic to write to. Required.
  --max-messages N              Stop after N records (default -1: until Ctrl-C/SIGTERM).
  --throughput N                At most N records a second (default -1: no limit).
  --acks ACKS                   -1/all, 0 or 1 (default -1).
  --value-prefix N              Values are N.0, N.1, ...
  --repeating-keys N            Keys cycle through 0 .. N-1 (default: no key).
  --message-create-time MS      CreateTime of the first record; later ones add elapsed time.
  --producer.config FILE        Producer properties file.
  --command-config FILE         Same as --producer.config.
  -h, --help                    Show this help.

Exit status: 0 done (all records acknowledged or not), 1 the producer failed, 2 bad command line.`,
  options: {
    'bootstrap-server': { type: 'string' },
    'broker-list': { type: 'string' },
    topic: { type: 'string' },
    'max-messages': { type: 'string' },
    throughput: { type: 'string' },
    acks: { type: 'string' },
    'value-prefix': { type: 'string' },
    'repeating-keys': { type: 'string' },
    'message-create-time': { type: 'string' },
    'producer.config': { type: 'string' },
    'command-config': { type: 'string' },
  },
} as const;

export async function runVerifiableProducer(args: string[]): Promise<number> {
  const flags = parseFlags(PRODUCER_SPEC, args);
  if (typeof flags === 'number') return flags;
  let producer: Producer | null = null;
  const signal = stopSignal();
  try {
    const topic = requireFlag(flags, 'topic');
    const bootstrap = bootstrapOf(flags);
    const maxMessages = intFlag(flags, 'max-messages') ?? -1;
    const throughput = intFlag(flags, 'throughput') ?? -1;
    const acksFlag = stringFlag(flags, 'acks') ?? '-1';
    if (!['-1', 'all', '0', '1'].includes(acksFlag))
      throw new UsageError(`--acks '${acksFlag}' is not one of -1, all, 0, 1`);
    const acks = acksFlag === '-1' || acksFlag === 'all' ? 'all' : (Number(acksFlag) as 0 | 1);
    const prefix = stringFlag(flags, 'value-prefix');
    const repeatingKeys = intFlag(flags, 'repeating-keys');
    const createTime = intFlag(flags, 'message-create-time');
    const file = stringFlag(flags, 'producer.config') ?? stringFlag(flags, 'command-config');
    const props = file === undefined ? new Map<string, string>() : readPropertiesFile(file);
    producer = new Producer({
      ...clientOptions(bootstrap, props),
      acks,
      idempotent: acks === 'all' && props.get('enable.idempotence') !== 'false',
      lingerMs: props.has('linger.ms') ? Number(props.get('linger.ms')) : 5,
    });
    await producer.connect();
    emit('startup_complete');
    const startMs = Date.now();
    let sent = 0;
    let acked = 0;
    let stopping = false;
    void signal.stopped.then(() => (stopping = true));
    const pending = new Set<Promise<void>>();
    for (let i = 0; (maxMessages < 0 || i < maxMessages) && !stopping; i++) {
      if (throughput > 0) {
        // Throttle: no faster than `throughput` records a second overall.
        const dueMs = startMs + (i * 1000) / throughput;
        const waitMs = dueMs - Date.now();
        if (waitMs > 0) await Promise.race([sleep(waitMs), signal.stopped]);
        if (stopping) break;
      }
      const key = repeatingKeys === undefined ? null : String(i % repeatingKeys);
      const value = prefix === undefined ? String(i) : `${prefix}.${i}`;
      const timestamp = createTime === undefined ? undefined : createTime + (Date.now() - startMs);
      sent++;
      const delivery = producer.send({ topic, key, value, timestamp }).then(
        (m) => {
          acked++;
          emit('producer_send_success', {
            key,
            value,
            offset: m.offset,
            topic: m.topic,
            partition: m.partition,
          });
        },
        (err: unknown) =>
          emit('producer_send_error', {
            exception: (err as Error).name,
            message: describeError(err),
            topic,
            key,
            value,
          }),
      );
      pending.add(delivery);
      void delivery.then(() => pending.delete(delivery));
      // Keep the event loop turning so that acknowledgements are printed as they come.
      if (pending.size >= 1000) await Promise.race(pending);
    }
    await producer.flush();
    await Promise.all(pending);
    await producer.close();
    producer = null;
    emit('shutdown_complete');
    const elapsedMs = Math.max(1, Date.now() - startMs);
    emit('tool_data', {
      sent,
      acked,
      target_throughput: throughput,
      avg_throughput: (1000 * acked) / elapsedMs,
    });
    return EXIT_OK;
  } catch (err) {
    return failure(PRODUCER_SPEC.name, err);
  } finally {
    signal.dispose();
    await producer?.close().catch(() => {});
  }
}

const CONSUMER_SPEC = {
  name: 'verifiable-consumer',
  help: `Usage: rivulet verifiable-consumer --bootstrap-server HOST:PORT --topic TOPIC --group-id GROUP [options]

Consumes TOPIC as a member of GROUP and prints a JSON line per event, as Kafka's
VerifiableConsumer does: startup_complete, partitions_revoked / partitions_assigned,
records_consumed (count and per-partition count, minOffset, maxOffset), record_data (with
--verbose), offsets_committed (offsets, success, error) and shutdown_complete. Without
--enable-autocommit the offsets are committed after every batch of records.

Options:
  --bootstrap-server LIST       Brokers to connect to. Required (--broker-list also works).
  --topic TOPIC                 Topic to consume. Required.
  --group-id GROUP              Consumer group. Required.
  --group-instance-id ID        Static membership id.
  --group-protocol P            classic (default) or consumer (KIP-848).
  --group-remote-assignor A     uniform or range, with --group-protocol consumer.
  --assignment-strategy S       range, roundrobin or cooperative-sticky (classic groups).
  --max-messages N              Stop after N records (default -1: until Ctrl-C/SIGTERM).
  --session-timeout MS          session.timeout.ms (default 45000).
  --enable-autocommit           Let the consumer commit on its own schedule.
  --reset-policy P              earliest (default), latest or none.
  --verbose                     A record_data line per record.
  --consumer.config FILE        Consumer properties file.
  --command-config FILE         Same as --consumer.config.
  -h, --help                    Show this help.

Exit status: 0 done, 1 consuming failed, 2 bad command line.`,
  options: {
    'bootstrap-server': { type: 'string' },
    'broker-list': { type: 'string' },
    topic: { type: 'string' },
    'group-id': { type: 'string' },
    'group-instance-id': { type: 'string' },
    'group-protocol': { type: 'string' },
    'group-remote-assignor': { type: 'string' },
    'assignment-strategy': { type: 'string' },
    'max-messages': { type: 'string' },
    'session-timeout': { type: 'string' },
    'enable-autocommit': { type: 'boolean' },
    'reset-policy': { type: 'string' },
    verbose: { type: 'boolean' },
    'consumer.config': { type: 'string' },
    'command-config': { type: 'string' },
  },
} as const;

const STRATEGIES = new Set(['range', 'roundrobin', 'cooperative-sticky']);

export async function runVerifiableConsumer(args: string[]): Promise<number> {
  const flags = parseFlags(CONSUMER_SPEC, args);
  if (typeof flags === 'number') return flags;
  let consumer: GroupConsumer | null = null;
  const signal = stopSignal();
  let exitCode = EXIT_OK;
  let started = false;
  try {
    const topic = requireFlag(flags, 'topic');
    const groupId = requireFlag(flags, 'group-id');
    const bootstrap = bootstrapOf(flags);
    const maxMessages = intFlag(flags, 'max-messages') ?? -1;
    const protocol = stringFlag(flags, 'group-protocol') ?? 'classic';
    if (protocol !== 'classic' && protocol !== 'consumer')
      throw new UsageError(`--group-protocol '${protocol}' is not classic or consumer`);
    const reset = stringFlag(flags, 'reset-policy') ?? 'earliest';
    if (reset !== 'earliest' && reset !== 'latest' && reset !== 'none')
      throw new UsageError(`--reset-policy '${reset}' is not earliest, latest or none`);
    const strategy = stringFlag(flags, 'assignment-strategy');
    if (strategy !== undefined && !STRATEGIES.has(strategy))
      throw new UsageError(
        `--assignment-strategy '${strategy}' is not range, roundrobin or cooperative-sticky`,
      );
    const autoCommit = flags['enable-autocommit'] === true;
    const verbose = flags.verbose === true;
    const file = stringFlag(flags, 'consumer.config') ?? stringFlag(flags, 'command-config');
    const props = file === undefined ? new Map<string, string>() : readPropertiesFile(file);
    const list = (tps: TopicPartition[]) =>
      tps.map((tp) => ({ topic: tp.topic, partition: tp.partition }));
    consumer = new GroupConsumer({
      ...clientOptions(bootstrap, props),
      groupId,
      groupInstanceId: stringFlag(flags, 'group-instance-id') ?? null,
      groupProtocol: protocol,
      serverAssignor: stringFlag(flags, 'group-remote-assignor'),
      assignors:
        strategy === undefined
          ? undefined
          : [strategy as 'range' | 'roundrobin' | 'cooperative-sticky'],
      sessionTimeoutMs: intFlag(flags, 'session-timeout') ?? 45_000,
      autoCommit,
      autoOffsetReset: reset as 'earliest' | 'latest' | 'none',
      rebalanceListener: {
        onPartitionsRevoked: (tps) => emit('partitions_revoked', { partitions: list(tps) }),
        onPartitionsAssigned: (tps) => emit('partitions_assigned', { partitions: list(tps) }),
        onPartitionsLost: (tps) => emit('partitions_revoked', { partitions: list(tps) }),
      },
    });
    await consumer.connect();
    consumer.subscribe([topic]);
    emit('startup_complete');
    started = true;
    const batches = consumer.batches();
    let consumed = 0;
    while (maxMessages < 0 || consumed < maxMessages) {
      const next = await Promise.race([batches.next(), signal.stopped.then(() => null)]);
      if (next === null || next.done === true) break;
      let batch: ConsumerBatch = next.value;
      if (maxMessages >= 0 && consumed + batch.records.length > maxMessages)
        batch = { ...batch, records: batch.records.slice(0, maxMessages - consumed) };
      if (batch.records.length === 0) continue;
      consumed += batch.records.length;
      const first = batch.records[0]!;
      const last = batch.records[batch.records.length - 1]!;
      if (verbose) {
        for (const r of batch.records) {
          emit('record_data', {
            key: r.key?.toString() ?? null,
            value: r.value?.toString() ?? null,
            topic: r.topic,
            partition: r.partition,
            offset: r.offset,
          });
        }
      }
      emit('records_consumed', {
        count: batch.records.length,
        partitions: [
          {
            topic: batch.topic,
            partition: batch.partition,
            count: batch.records.length,
            minOffset: first.offset,
            maxOffset: last.offset,
          },
        ],
      });
      if (!autoCommit) {
        const offsets = [
          { topic: batch.topic, partition: batch.partition, offset: last.offset + 1n },
        ];
        try {
          await consumer.commit(offsets);
          emit('offsets_committed', { offsets, success: true });
        } catch (err) {
          emit('offsets_committed', { offsets, success: false, error: describeError(err) });
        }
      } else consumer.markProcessed(last);
    }
  } catch (err) {
    exitCode = failure(CONSUMER_SPEC.name, err);
  } finally {
    signal.dispose();
    await consumer?.close().catch(() => {});
  }
  if (started) emit('shutdown_complete');
  return exitCode;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
