// `rivulet transactions`: kafka-transactions.sh — list transactions, describe one, describe the
// producers of a partition, abort an open transaction on a partition, and find hanging
// transactions (open on a partition for longer than --max-transaction-timeout without the
// coordinator knowing of them). Tables as Kafka prints them: each cell padded to its column's
// width and followed by a tab.
import { findTransactionCoordinator, KafkaError, type Admin } from '../../client/index.js';
import {
  createDescribeProducersRequest,
  createDescribeTransactionsRequest,
  createListTransactionsRequest,
  createWriteTxnMarkersRequest,
  type DescribeProducersResponse,
  type DescribeProducersResponseProducerState,
  type DescribeTransactionsResponse,
  type DescribeTransactionsResponseTransactionState,
  type ListTransactionsResponse,
  type WriteTxnMarkersResponse,
} from '../../protocol/index.js';
import {
  EXIT_OK,
  intFlag,
  parseFlags,
  printTabTable as printTable,
  requireFlag,
  stringFlag,
  subcommand,
  usageError,
  UsageError,
  withAdmin,
  type FlagValues,
} from './tool-support.js';

const DESCRIBE_PRODUCERS = 61;
const DESCRIBE_TRANSACTIONS = 65;
const LIST_TRANSACTIONS = 66;
const WRITE_TXN_MARKERS = 27;

const SPEC = {
  name: 'transactions',
  help: `Usage: rivulet transactions --bootstrap-server HOST:PORT COMMAND [options]

Lists, describes and aborts transactions (kafka-transactions.sh).

Commands:
  list                          Every transaction the coordinators know.
  describe --transactional-id ID
                                The state of one transactional id.
  describe-producers --topic T --partition N [--broker-id ID]
                                The active producers of a partition.
  abort --topic T --partition N (--start-offset OFFSET |
        --producer-id ID --producer-epoch E --coordinator-epoch C)
                                Writes an abort marker for an open transaction on the
                                partition (one found by its first offset, or given by id).
  find-hanging (--topic T [--partition N] | --broker-id ID) [--max-transaction-timeout MIN]
                                Open transactions older than MIN minutes (default 15) that
                                their coordinator does not know of.

Options:
  --bootstrap-server LIST       Brokers to connect to. Required.
  --command-config FILE         Admin client properties file.
  -h, --help                    Show this help.

Exit status: 0 done, 1 the operation failed, 2 bad command line.`,
  options: {
    'bootstrap-server': { type: 'string' },
    'command-config': { type: 'string' },
    'transactional-id': { type: 'string' },
    topic: { type: 'string' },
    partition: { type: 'string' },
    'broker-id': { type: 'string' },
    'start-offset': { type: 'string' },
    'producer-id': { type: 'string' },
    'producer-epoch': { type: 'string' },
    'coordinator-epoch': { type: 'string' },
    'max-transaction-timeout': { type: 'string' },
  },
} as const;

type Runner = (admin: Admin, flags: FlagValues) => Promise<number>;

export async function runTransactions(args: string[]): Promise<number> {
  const { command, rest } = subcommand(SPEC, args);
  const flags = parseFlags(SPEC, rest);
  if (typeof flags === 'number') return flags;
  if (command === undefined)
    return usageError(SPEC.name, `a command is required: ${Object.keys(COMMANDS).join(', ')}`);
  const run = COMMANDS[command];
  if (run === undefined) return usageError(SPEC.name, `unknown command '${command}'`);
  return withAdmin(SPEC.name, flags, (admin) => run(admin, flags));
}

const COMMANDS: Record<string, Runner> = {
  list: async (admin) => {
    const rows: string[][] = [];
    for (const [brokerId, states] of await listTransactions(admin)) {
      for (const s of states)
        rows.push([s.transactionalId, String(brokerId), String(s.producerId), s.transactionState]);
    }
    printTable(['TransactionalId', 'Coordinator', 'ProducerId', 'TransactionState'], rows);
    return EXIT_OK;
  },

  describe: async (admin, flags) => {
    const id = requireFlag(flags, 'transactional-id');
    const { coordinatorId, state } = await describeTransaction(admin, id);
    const start = state.transactionStartTimeMs;
    printTable(
      [
        'CoordinatorId',
        'TransactionalId',
        'ProducerId',
        'ProducerEpoch',
        'TransactionState',
        'TransactionTimeoutMs',
        'CurrentTransactionStartTimeMs',
        'TransactionDurationMs',
        'TopicPartitions',
      ],
      [
        [
          String(coordinatorId),
          id,
          String(state.producerId),
          String(state.producerEpoch),
          state.transactionState,
          String(state.transactionTimeoutMs),
          start < 0n ? 'None' : String(start),
          start < 0n ? 'None' : String(BigInt(Date.now()) - start),
          partitionsOf(state).join(','),
        ],
      ],
    );
    return EXIT_OK;
  },

  'describe-producers': async (admin, flags) => {
    const { topic, partition } = topicPartition(flags);
    const producers = await describeProducers(admin, topic, partition, intFlag(flags, 'broker-id'));
    printTable(
      [
        'ProducerId',
        'ProducerEpoch',
        'LatestCoordinatorEpoch',
        'LastSequence',
        'LastTimestamp',
        'CurrentTransactionStartOffset',
      ],
      producers.map((p) => [
        String(p.producerId),
        String(p.producerEpoch),
        String(p.coordinatorEpoch),
        String(p.lastSequence),
        String(p.lastTimestamp),
        p.currentTxnStartOffset < 0n ? 'None' : String(p.currentTxnStartOffset),
      ]),
    );
    return EXIT_OK;
  },

  abort: async (admin, flags) => {
    const { topic, partition } = topicPartition(flags);
    const startOffset = stringFlag(flags, 'start-offset');
    const producerIdFlag = stringFlag(flags, 'producer-id');
    let spec: { producerId: bigint; producerEpoch: number; coordinatorEpoch: number };
    if (startOffset !== undefined) {
      if (!/^\d+$/.test(startOffset))
        throw new UsageError(`--start-offset '${startOffset}' is not an offset`);
      const producers = await describeProducers(admin, topic, partition, undefined);
      const open = producers.find((p) => p.currentTxnStartOffset === BigInt(startOffset));
      if (open === undefined) {
        throw new Error(
          `Could not find any open transactions starting at offset ${startOffset} on partition ${topic}-${partition}`,
        );
      }
      spec = {
        producerId: open.producerId,
        producerEpoch: open.producerEpoch,
        coordinatorEpoch: Math.max(0, open.coordinatorEpoch),
      };
    } else if (producerIdFlag !== undefined) {
      if (!/^\d+$/.test(producerIdFlag))
        throw new UsageError(`--producer-id '${producerIdFlag}' is not a producer id`);
      const producerEpoch = intFlag(flags, 'producer-epoch');
      if (producerEpoch === undefined)
        throw new UsageError('Missing required argument --producer-epoch');
      const coordinatorEpoch = intFlag(flags, 'coordinator-epoch');
      if (coordinatorEpoch === undefined)
        throw new UsageError('Missing required argument --coordinator-epoch');
      spec = {
        producerId: BigInt(producerIdFlag),
        producerEpoch,
        // A transaction that hung before its first marker has coordinator epoch -1.
        coordinatorEpoch: Math.max(0, coordinatorEpoch),
      };
    } else {
      throw new UsageError(
        'The transaction to abort must be identified either with --start-offset or with --producer-id, --producer-epoch, and --coordinator-epoch',
      );
    }
    await admin.cluster.retry(async () => {
      await admin.cluster.topicMetadata(topic);
      const leader = admin.cluster.leaderFor(topic, partition);
      const r = await admin.cluster.send<WriteTxnMarkersResponse>(
        leader,
        WRITE_TXN_MARKERS,
        createWriteTxnMarkersRequest({
          markers: [
            {
              ...spec,
              transactionResult: false,
              topics: [{ name: topic, partitionIndexes: [partition] }],
              transactionVersion: 0,
            },
          ],
        }),
      );
      const code = r.markers[0]?.topics[0]?.partitions[0]?.errorCode ?? -1;
      if (code !== 0) throw new KafkaError(code);
    });
    return EXIT_OK;
  },

  'find-hanging': async (admin, flags) => {
    const topic = stringFlag(flags, 'topic');
    const brokerId = intFlag(flags, 'broker-id');
    const partition = intFlag(flags, 'partition');
    if (topic === undefined && brokerId === undefined)
      throw new UsageError(
        'The `find-hanging` command requires either --topic or --broker-id to limit the scope of the search',
      );
    if (partition !== undefined && topic === undefined)
      throw new UsageError('The --partition argument requires --topic to be provided');
    const maxMs = (intFlag(flags, 'max-transaction-timeout') ?? 15) * 60_000;
    const partitions: { topic: string; partition: number }[] = [];
    if (topic !== undefined && partition !== undefined) partitions.push({ topic, partition });
    else {
      const names = topic !== undefined ? [topic] : await admin.listTopics();
      for (const t of await admin.describeTopics(names)) {
        for (const p of t.partitions) {
          if (brokerId === undefined || p.replicas.includes(brokerId))
            partitions.push({ topic: t.name, partition: p.partition });
        }
      }
    }
    const now = Date.now();
    const open: { topic: string; partition: number; p: DescribeProducersResponseProducerState }[] =
      [];
    for (const tp of partitions) {
      for (const p of await describeProducers(admin, tp.topic, tp.partition, brokerId)) {
        if (p.currentTxnStartOffset >= 0n && now - Number(p.lastTimestamp) > maxMs)
          open.push({ ...tp, p });
      }
    }
    // Open on a partition the coordinator no longer lists for its transaction: hanging.
    const idsByProducer = new Map<bigint, string>();
    if (open.length > 0) {
      for (const [, states] of await listTransactions(admin))
        for (const s of states) idsByProducer.set(s.producerId, s.transactionalId);
    }
    const hanging = [];
    for (const o of open) {
      const id = idsByProducer.get(o.p.producerId);
      if (id === undefined) {
        hanging.push(o);
        continue;
      }
      const described = await describeTransaction(admin, id).catch(() => null);
      if (
        described === null ||
        !partitionsOf(described.state).includes(`${o.topic}-${o.partition}`)
      )
        hanging.push(o);
    }
    printTable(
      [
        'Topic',
        'Partition',
        'ProducerId',
        'ProducerEpoch',
        'CoordinatorEpoch',
        'StartOffset',
        'LastTimestamp',
        'Duration(min)',
      ],
      hanging.map((h) => [
        h.topic,
        String(h.partition),
        String(h.p.producerId),
        String(h.p.producerEpoch),
        String(h.p.coordinatorEpoch),
        String(h.p.currentTxnStartOffset),
        String(h.p.lastTimestamp),
        String(Math.floor((now - Number(h.p.lastTimestamp)) / 60_000)),
      ]),
    );
    return EXIT_OK;
  },
};

function topicPartition(flags: FlagValues): { topic: string; partition: number } {
  const topic = requireFlag(flags, 'topic');
  const partition = intFlag(flags, 'partition');
  if (partition === undefined || partition < 0)
    throw new UsageError('--partition is required (a partition number)');
  return { topic, partition };
}

function partitionsOf(state: DescribeTransactionsResponseTransactionState): string[] {
  return state.topics.flatMap((t) => t.partitions.map((p) => `${t.topic}-${p}`));
}

/** Every broker's ListTransactions answer, by broker id. */
async function listTransactions(admin: Admin) {
  await admin.cluster.refreshMetadata();
  const out = new Map<number, ListTransactionsResponse['transactionStates']>();
  for (const brokerId of [...admin.cluster.brokers.keys()].sort((a, b) => a - b)) {
    const r = await admin.cluster.retry(() =>
      admin.cluster.send<ListTransactionsResponse>(
        brokerId,
        LIST_TRANSACTIONS,
        createListTransactionsRequest({}),
      ),
    );
    if (r.errorCode !== 0) throw new KafkaError(r.errorCode);
    out.set(brokerId, r.transactionStates);
  }
  return out;
}

async function describeTransaction(admin: Admin, transactionalId: string) {
  return admin.cluster.retry(async () => {
    const coordinatorId = await findTransactionCoordinator(admin.cluster, transactionalId);
    const r = await admin.cluster.send<DescribeTransactionsResponse>(
      coordinatorId,
      DESCRIBE_TRANSACTIONS,
      createDescribeTransactionsRequest({ transactionalIds: [transactionalId] }),
    );
    const state = r.transactionStates[0];
    if (state === undefined) throw new KafkaError(-1, 'empty DescribeTransactions answer');
    if (state.errorCode !== 0) throw new KafkaError(state.errorCode);
    return { coordinatorId, state };
  });
}

async function describeProducers(
  admin: Admin,
  topic: string,
  partition: number,
  brokerId: number | undefined,
): Promise<DescribeProducersResponseProducerState[]> {
  return admin.cluster.retry(async () => {
    await admin.cluster.topicMetadata(topic);
    const target = brokerId ?? admin.cluster.leaderFor(topic, partition);
    const r = await admin.cluster.send<DescribeProducersResponse>(
      target,
      DESCRIBE_PRODUCERS,
      createDescribeProducersRequest({ topics: [{ name: topic, partitionIndexes: [partition] }] }),
    );
    const p = r.topics[0]?.partitions[0];
    if (p === undefined) throw new KafkaError(-1, 'empty DescribeProducers answer');
    if (p.errorCode !== 0) throw new KafkaError(p.errorCode, p.errorMessage);
    return p.activeProducers;
  });
}
