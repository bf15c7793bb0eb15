// `rivulet topics`: kafka-topics.sh with its flags — list, create, describe, alter (partition
// count) and delete topics; --topic accepts a regular expression for list, describe, alter and
// delete.
import {
  Admin,
  KafkaError,
  type OngoingReassignment,
  type TopicMetadata,
} from '../../client/index.js';
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
  topicMatcher,
  UsageError,
  type FlagValues,
} from './tool-support.js';

const SPEC = {
  name: 'topics',
  help: `Usage: rivulet topics --bootstrap-server HOST:PORT (--list | --create | --describe | --alter | --delete) [options]

Create, delete, describe, or change topics (flags as kafka-topics.sh).

Actions (exactly one):
  --list                      List topic names (filtered by --topic).
  --create                    Create --topic.
  --describe                  Describe the topics matching --topic (all when absent).
  --alter                     Raise the partition count of --topic to --partitions.
  --delete                    Delete the topics matching --topic.

Options:
  --bootstrap-server LIST     Brokers to connect to, host:port[,host:port...]. Required.
  --topic NAME|REGEX          Topic name; a regular expression except with --create.
  --partitions N              Partition count (--create, --alter).
  --replication-factor N      Replication factor (--create).
  --config KEY=VALUE          Topic config for --create; repeatable.
  --if-not-exists             With --create: no error when the topic exists.
  --if-exists                 With --alter/--delete/--describe: no error when nothing matches.
  --exclude-internal          Leave out internal topics.
  --topics-with-overrides     With --describe: only topics that have config overrides, and
                              only their summary line.
  --under-replicated-partitions
                              With --describe: only partitions whose ISR is smaller than
                              their replica set.
  --unavailable-partitions    With --describe: only partitions without a live leader.
  --command-config FILE       Client properties file.
  -h, --help                  Show this help.

Exit status: 0 success, 1 the operation failed, 2 bad command line.`,
  options: {
    'bootstrap-server': { type: 'string' },
    list: { type: 'boolean' },
    create: { type: 'boolean' },
    describe: { type: 'boolean' },
    alter: { type: 'boolean' },
    delete: { type: 'boolean' },
    topic: { type: 'string' },
    partitions: { type: 'string' },
    'replication-factor': { type: 'string' },
    config: { type: 'string', multiple: true },
    'if-not-exists': { type: 'boolean' },
    'if-exists': { type: 'boolean' },
    'exclude-internal': { type: 'boolean' },
    'topics-with-overrides': { type: 'boolean' },
    'under-replicated-partitions': { type: 'boolean' },
    'unavailable-partitions': { type: 'boolean' },
    'command-config': { type: 'string' },
  },
} as const;

const ACTIONS = ['list', 'create', 'describe', 'alter', 'delete'] as const;

export async function runTopics(args: string[]): Promise<number> {
  const flags = parseFlags(SPEC, args);
  if (typeof flags === 'number') return flags;
  let admin: Admin | null = null;
  try {
    const actions = ACTIONS.filter((a) => flags[a] === true);
    if (actions.length !== 1)
      throw new UsageError('give exactly one of --list, --create, --describe, --alter, --delete');
    const bootstrap = requireFlag(flags, 'bootstrap-server');
    const commandConfig = stringFlag(flags, 'command-config');
    const props =
      commandConfig === undefined ? new Map<string, string>() : readPropertiesFile(commandConfig);
    admin = new Admin(clientOptions(bootstrap, props));
    await admin.connect();
    return await ACTION_RUNNERS[actions[0]!](admin, flags);
  } catch (err) {
    return failure(SPEC.name, err);
  } finally {
    admin?.close();
  }
}

const ACTION_RUNNERS: Record<
  (typeof ACTIONS)[number],
  (admin: Admin, flags: FlagValues) => Promise<number>
> = {
  list: async (admin, flags) => {
    const names = await matchingTopics(admin, flags);
    for (const name of names) console.log(name);
    return EXIT_OK;
  },
  create: async (admin, flags) => {
    const name = requireFlag(flags, 'topic');
    const configs = Object.fromEntries(keyValues(listFlag(flags, 'config')));
    const [result] = await admin.createTopics([
      {
        name,
        numPartitions: intFlag(flags, 'partitions') ?? -1,
        replicationFactor: intFlag(flags, 'replication-factor') ?? -1,
        configs,
      },
    ]);
    if (result!.errorCode === 36 && flags['if-not-exists'] === true) return EXIT_OK;
    if (result!.errorCode !== 0) return reportError(result!.errorCode, result!.errorMessage);
    console.log(`Created topic ${name}.`);
    return EXIT_OK;
  },
  describe: async (admin, flags) => {
    const names = await matchingTopics(admin, flags);
    if (names.length === 0) return nothingMatched(flags);
    const filter = partitionFilter(flags);
    // As kafka-topics.sh: the summary line is printed unless a partition filter is asked
    // for; partition lines are printed unless only the overrides are asked for.
    const overridesOnly = flags['topics-with-overrides'] === true;
    // As kafka-topics.sh: partitions being reassigned show their adding and removing replicas.
    const moving = overridesOnly ? [] : await reassignments(admin, names);
    for (const t of await admin.describeTopics(names)) {
      if (filter === null) {
        const configs = await topicConfigs(admin, t.name);
        if (!overridesOnly || configs !== '') printSummary(t, configs);
      }
      if (!overridesOnly) printPartitions(t, filter ?? (() => true), moving);
    }
    return EXIT_OK;
  },
  alter: async (admin, flags) => {
    const count = intFlag(flags, 'partitions');
    if (count === undefined) throw new UsageError('--alter needs --partitions');
    const names = await matchingTopics(admin, flags, true);
    if (names.length === 0) return nothingMatched(flags);
    const results = await admin.createPartitions(names.map((name) => ({ name, count })));
    for (const r of results) if (r.errorCode !== 0) return reportError(r.errorCode, r.errorMessage);
    return EXIT_OK;
  },
  delete: async (admin, flags) => {
    const names = await matchingTopics(admin, flags, true);
    if (names.length === 0) return nothingMatched(flags);
    const results = await admin.deleteTopics(names);
    for (const r of results) if (r.errorCode !== 0) return reportError(r.errorCode, r.errorMessage);
    return EXIT_OK;
  },
};

async function matchingTopics(
  admin: Admin,
  flags: FlagValues,
  required = false,
): Promise<string[]> {
  const pattern = required ? requireFlag(flags, 'topic') : stringFlag(flags, 'topic');
  const matches = topicMatcher(pattern);
  const names = await admin.listTopics({ includeInternal: flags['exclude-internal'] !== true });
  return names.filter(matches);
}

function nothingMatched(flags: FlagValues): number {
  if (flags['if-exists'] === true) return EXIT_OK;
  const topic = stringFlag(flags, 'topic');
  console.error(`rivulet topics: Topic '${topic ?? ''}' does not exist as expected`);
  return EXIT_FAILED;
}

function reportError(code: number, message: string | null): number {
  return failure(SPEC.name, new KafkaError(code, message));
}

async function topicConfigs(admin: Admin, name: string): Promise<string> {
  try {
    const entries = await admin.describeConfigs({ type: 'topic', name });
    return entries
      .filter((e) => !e.isDefault && e.value !== null)
      .map((e) => `${e.name}=${e.isSensitive ? '(sensitive)' : e.value}`)
      .join(',');
  } catch {
    // A broker without DescribeConfigs still gets the partition table.
    return '';
  }
}

type PartitionMeta = TopicMetadata['partitions'][number];

/** The partition filter of --under-replicated-partitions / --unavailable-partitions, if any. */
function partitionFilter(flags: FlagValues): ((p: PartitionMeta) => boolean) | null {
  const underReplicated = flags['under-replicated-partitions'] === true;
  const unavailable = flags['unavailable-partitions'] === true;
  if (!underReplicated && !unavailable) return null;
  return (p) =>
    (underReplicated && p.isr.length < p.replicas.length) ||
    (unavailable && (p.leaderId < 0 || p.offlineReplicas.includes(p.leaderId)));
}

function printSummary(t: TopicMetadata, configs: string): void {
  const rf = t.partitions[0]?.replicas.length ?? 0;
  console.log(
    `Topic: ${t.name}\tTopicId: ${t.topicId}\tPartitionCount: ${t.partitions.length}\tReplicationFactor: ${rf}\tConfigs: ${configs}`,
  );
}

function printPartitions(
  t: TopicMetadata,
  keep: (p: PartitionMeta) => boolean,
  moving: readonly OngoingReassignment[] = [],
): void {
  for (const p of t.partitions) {
    if (!keep(p)) continue;
    const r = moving.find((m) => m.topic === t.name && m.partition === p.partition);
    const reassigning =
      r === undefined
        ? ''
        : `\tAdding Replicas: ${r.addingReplicas.join(',')}\tRemoving Replicas: ${r.removingReplicas.join(',')}`;
    const offline = p.offlineReplicas.length > 0 ? `\tOffline: ${p.offlineReplicas.join(',')}` : '';
    console.log(
      `\tTopic: ${t.name}\tPartition: ${p.partition}\tLeader: ${p.leaderId < 0 ? 'none' : p.leaderId}\tReplicas: ${p.replicas.join(',')}\tIsr: ${p.isr.join(',')}${reassigning}${offline}`,
    );
  }
}

/** The reassignments under way of `topics`; none when the brokers cannot say (older ones). */
async function reassignments(
  admin: Admin,
  topics: readonly string[],
): Promise<OngoingReassignment[]> {
  try {
    const all = await admin.listPartitionReassignments();
    return all.filter((r) => topics.includes(r.topic));
  } catch {
    return [];
  }
}
