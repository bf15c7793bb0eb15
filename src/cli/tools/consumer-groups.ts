// `rivulet consumer-groups`: kafka-consumer-groups.sh — list groups (with their type and
// state), describe their offsets, lag and members, reset offsets of inactive groups (plan with
// --dry-run, apply with --execute, save and replay the plan as CSV), delete committed offsets
// and delete groups.
import { readFileSync } from 'node:fs';
import {
  Admin,
  KafkaError,
  type CommittedOffset,
  type GroupDescription,
  type GroupListing,
  type OffsetToCommit,
} from '../../client/index.js';
import {
  clientOptions,
  EXIT_FAILED,
  EXIT_OK,
  failure,
  listFlag,
  parseFlags,
  readPropertiesFile,
  requireFlag,
  stringFlag,
  UsageError,
  type FlagValues,
} from './tool-support.js';
import { formatTable } from './table.js';
import { errorByCode } from '../../protocol/index.js';

const SPEC = {
  name: 'consumer-groups',
  help: `Usage: rivulet consumer-groups --bootstrap-server HOST:PORT (--list | --describe | --reset-offsets | --delete | --delete-offsets) [options]

List, describe, reset or delete consumer groups (flags as kafka-consumer-groups.sh).

Actions (exactly one):
  --list                      List group ids; with --state [STATES] or --type [TYPES] as a
                              table with those columns, keeping only the groups in the given
                              comma-separated states (Stable, Empty, ...) or types (classic,
                              consumer).
  --describe                  Show each partition's CURRENT-OFFSET, LOG-END-OFFSET, LAG and owner;
                              with --members the members, with --state the group state.
  --reset-offsets             Move committed offsets (the group must have no active members).
  --delete                    Delete the group(s).
  --delete-offsets            Delete the committed offsets of --group for each --topic T[:P,...].

Options:
  --bootstrap-server LIST     Brokers to connect to. Required.
  --group GROUP               Group id; repeatable for --describe and --delete.
  --all-groups                Every group (--describe, --delete, --reset-offsets).
  --members, --state          What --describe shows.
  --verbose                   With --members: each member's assignment (and for KIP-848
                              groups its epoch and target assignment); with --state: the
                              group and assignment epochs of KIP-848 groups.
  --topic T[:P1,P2]           Topic (and partitions) to reset; repeatable.
  --all-topics                Reset every topic the group has offsets for.
  --to-earliest | --to-latest | --to-current | --to-offset N | --shift-by N |
  --to-datetime YYYY-MM-DDTHH:mm:SS.sss | --by-duration PnDTnHnMn.nS |
  --from-file FILE            Where to move the offsets; --by-duration goes back that long from
                              now; --from-file reads a CSV plan (topic,partition,offset, or
                              group,topic,partition,offset) such as --export writes.
  --dry-run                   Show the new offsets only (the default).
  --execute                   Commit the new offsets.
  --export                    Print the plan as CSV instead of a table.
  --command-config FILE       Client properties file.
  -h, --help                  Show this help.

Exit status: 0 success, 1 the operation failed, 2 bad command line.`,
  options: {
    'bootstrap-server': { type: 'string' },
    list: { type: 'boolean' },
    describe: { type: 'boolean' },
    'reset-offsets': { type: 'boolean' },
    delete: { type: 'boolean' },
    group: { type: 'string', multiple: true },
    'all-groups': { type: 'boolean' },
    members: { type: 'boolean' },
    // --state and --type take an optional value (a filter for --list), as in Kafka.
    state: { type: 'string' },
    type: { type: 'string' },
    'delete-offsets': { type: 'boolean' },
    'by-duration': { type: 'string' },
    'from-file': { type: 'string' },
    export: { type: 'boolean' },
    offsets: { type: 'boolean' },
    verbose: { type: 'boolean' },
    topic: { type: 'string', multiple: true },
    'all-topics': { type: 'boolean' },
    'to-earliest': { type: 'boolean' },
    'to-latest': { type: 'boolean' },
    'to-current': { type: 'boolean' },
    'to-offset': { type: 'string' },
    'shift-by': { type: 'string' },
    'to-datetime': { type: 'string' },
    'dry-run': { type: 'boolean' },
    execute: { type: 'boolean' },
    'command-config': { type: 'string' },
  },
} as const;

const ACTIONS = ['list', 'describe', 'reset-offsets', 'delete', 'delete-offsets'] as const;
type Action = (typeof ACTIONS)[number];

export async function runConsumerGroups(args: string[]): Promise<number> {
  const flags = parseFlags(SPEC, withOptionalValues(args, ['state', 'type']));
  if (typeof flags === 'number') return flags;
  let admin: Admin | null = null;
  try {
    const actions = ACTIONS.filter((a) => flags[a] === true);
    if (actions.length !== 1)
      throw new UsageError(
        'give exactly one of --list, --describe, --reset-offsets, --delete, --delete-offsets',
      );
    const bootstrap = requireFlag(flags, 'bootstrap-server');
    const commandConfig = stringFlag(flags, 'command-config');
    const props =
      commandConfig === undefined ? new Map<string, string>() : readPropertiesFile(commandConfig);
    if (actions[0] === 'reset-offsets') resetTarget(flags);
    admin = new Admin(clientOptions(bootstrap, props));
    await admin.connect();
    return await RUNNERS[actions[0]!](admin, flags);
  } catch (err) {
    return failure(SPEC.name, err);
  } finally {
    admin?.close();
  }
}

const RUNNERS: Record<Action, (admin: Admin, flags: FlagValues) => Promise<number>> = {
  list: async (admin, flags) => {
    const state = stringFlag(flags, 'state');
    const type = stringFlag(flags, 'type');
    const groups = await admin.listGroups();
    if (state === undefined && type === undefined) {
      for (const g of groups) console.log(g.groupId);
      return EXIT_OK;
    }
    printGroupListing(groups, {
      includeState: state !== undefined,
      includeType: type !== undefined,
      states: groupStates(state),
      types: groupTypes(type),
    });
    return EXIT_OK;
  },
  describe: async (admin, flags) => {
    const groups = await groupIds(admin, flags);
    const descriptions = await admin.describeGroups(groups);
    let code = EXIT_OK;
    for (const d of descriptions) {
      if (d.errorCode !== 0 || d.state === 'Dead') {
        console.error(`Error: Consumer group '${d.groupId}' does not exist.`);
        code = EXIT_FAILED;
        continue;
      }
      const verbose = flags.verbose === true;
      if (flags.state !== undefined) printState(d, verbose);
      else if (flags.members === true) printMembers(d, verbose);
      else await printOffsets(admin, d);
    }
    return code;
  },
  'reset-offsets': async (admin, flags) => {
    const fromFile = readResetPlan(flags);
    const plans: { groupId: string; offsets: OffsetToCommit[] }[] = [];
    for (const groupId of await groupIds(admin, flags, fromFile)) {
      const [d] = await admin.describeGroups([groupId]);
      if (d !== undefined && d.members.length > 0) {
        throw new Error(
          `Assignments can only be reset if the group '${groupId}' is inactive, but the current state is ${d.state}.`,
        );
      }
      const planned =
        fromFile !== null
          ? await clampToRange(admin, fromFile.get(groupId) ?? [])
          : await planReset(admin, groupId, flags);
      if (flags.execute === true) await admin.alterOffsets(groupId, planned);
      plans.push({ groupId, offsets: planned });
    }
    if (flags.export === true) console.log(exportCsv(plans, listFlag(flags, 'group').length === 1));
    else {
      const rows = plans.flatMap(({ groupId, offsets }) =>
        offsets.map((p) => [groupId, p.topic, String(p.partition), String(p.offset)]),
      );
      console.log(formatTable(['GROUP', 'TOPIC', 'PARTITION', 'NEW-OFFSET'], rows));
    }
    if (flags.execute !== true && flags['dry-run'] !== true) {
      console.error(
        'WARN: this was a dry run: no offsets were changed because --execute is missing. ' +
          'Add --execute to commit the new offsets, or --dry-run to plan without this warning.',
      );
    }
    return EXIT_OK;
  },
  'delete-offsets': async (admin, flags) => {
    const groups = listFlag(flags, 'group');
    if (groups.length !== 1) throw new UsageError('--delete-offsets needs exactly one --group');
    const groupId = groups[0]!;
    const topics = listFlag(flags, 'topic');
    if (topics.length === 0) throw new UsageError('--delete-offsets needs --topic');
    const partitions = await topicPartitions(admin, topics);
    let results: { topic: string; partition: number; errorCode: number }[];
    try {
      results = await admin.deleteOffsets(groupId, partitions);
    } catch (err) {
      // A group-level refusal (unknown group, group not empty) is Kafka's top-level error.
      if (err instanceof KafkaError) {
        console.error(`\nError: ${err.message}`);
        return EXIT_FAILED;
      }
      throw err;
    }
    const failed = results.filter((r) => r.errorCode !== 0);
    if (failed.length === 0)
      console.log(`Request succeeded for deleting offsets from group ${groupId}.`);
    else
      console.error('\nError: Encountered some partition-level error, see the follow-up details.');
    const rows = results
      .sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition)
      .map((r) => [
        r.topic,
        String(r.partition),
        r.errorCode === 0 ? 'Successful' : `Error: ${errorByCode(r.errorCode).message}`,
      ]);
    console.log(`\n${formatTable(['TOPIC', 'PARTITION', 'STATUS'], rows)}`);
    return failed.length > 0 ? EXIT_FAILED : EXIT_OK;
  },
  delete: async (admin, flags) => {
    const groups = await groupIds(admin, flags);
    const results = await admin.deleteGroups(groups);
    const failed = results.filter((r) => r.errorCode !== 0);
    for (const f of failed) {
      console.error(`Error: Deletion of group '${f.groupId}' failed: ${errorText(f.errorCode)}`);
    }
    const ok = results.filter((r) => r.errorCode === 0).map((r) => `'${r.groupId}'`);
    if (ok.length > 0)
      console.log(`Deletion of requested consumer groups (${ok.join(', ')}) was successful.`);
    return failed.length > 0 ? EXIT_FAILED : EXIT_OK;
  },
};

function errorText(code: number): string {
  const e = errorByCode(code);
  return `${e.name}: ${e.message}`;
}

async function groupIds(
  admin: Admin,
  flags: FlagValues,
  plan: ReadonlyMap<string, unknown> | null = null,
): Promise<string[]> {
  if (flags['all-groups'] === true) return (await admin.listGroups()).map((g) => g.groupId);
  const groups = listFlag(flags, 'group');
  if (groups.length === 0 && plan !== null) return [...plan.keys()];
  if (groups.length === 0) throw new UsageError('--group (or --all-groups) is required');
  return groups;
}

/** `--state`/`--type` take an optional value: a bare flag becomes `--flag=` for parseArgs. */
function withOptionalValues(args: readonly string[], names: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const next = args[i + 1];
    if (
      names.includes(a.slice(2)) &&
      a.startsWith('--') &&
      (next === undefined || next.startsWith('-'))
    )
      out.push(`${a}=`);
    else out.push(a);
  }
  return out;
}

const GROUP_STATES = [
  'Stable',
  'PreparingRebalance',
  'CompletingRebalance',
  'Empty',
  'Dead',
  'Assigning',
  'Reconciling',
];

/** Kafka's state filter: comma-separated, case-insensitive; empty means every state. */
function groupStates(value: string | undefined): Set<string> | null {
  if (value === undefined || value.trim() === '') return null;
  const out = new Set<string>();
  for (const raw of value.split(',')) {
    const state = GROUP_STATES.find((s) => s.toLowerCase() === raw.trim().toLowerCase());
    if (state === undefined) {
      throw new UsageError(
        `Invalid state list '${value}'. Valid states are: ${GROUP_STATES.join(', ')}`,
      );
    }
    out.add(state);
  }
  return out;
}

function groupTypes(value: string | undefined): Set<string> | null {
  if (value === undefined || value.trim() === '') return null;
  const out = new Set<string>();
  for (const raw of value.toLowerCase().split(',')) {
    const type = raw.trim();
    if (type !== 'classic' && type !== 'consumer')
      throw new UsageError(`Invalid types list '${value}'. Valid types are: classic, consumer`);
    out.add(type);
  }
  return out;
}

/** `--list --state/--type`: Kafka's GROUP/TYPE/STATE table of consumer groups. */
function printGroupListing(
  groups: readonly GroupListing[],
  filter: {
    includeState: boolean;
    includeType: boolean;
    states: Set<string> | null;
    types: Set<string> | null;
  },
): void {
  const consumerGroups = groups.filter(
    (g) => g.protocolType === 'consumer' || g.protocolType === '' || g.type === 'consumer',
  );
  const typeOf = (g: GroupListing) => (g.type === '' ? 'classic' : g.type.toLowerCase());
  const kept = consumerGroups.filter(
    (g) =>
      (filter.states === null || filter.states.has(g.state)) &&
      (filter.types === null || filter.types.has(typeOf(g))),
  );
  const header = ['GROUP'];
  if (filter.includeType) header.push('TYPE');
  if (filter.includeState) header.push('STATE');
  const rows = kept.map((g) =>
    header.map((h) =>
      h === 'GROUP' ? g.groupId : h === 'TYPE' ? capitalise(typeOf(g)) : g.state || 'Unknown',
    ),
  );
  console.log(formatTable(header, rows));
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function printState(d: GroupDescription, verbose: boolean): void {
  const header = ['GROUP', 'ASSIGNMENT-STRATEGY', 'STATE', '#MEMBERS'];
  const row = [d.groupId, d.protocol, d.state, String(d.members.length)];
  if (verbose && d.type === 'consumer') {
    header.push('GROUP-EPOCH', 'TARGET-ASSIGNMENT-EPOCH');
    row.push(String(d.groupEpoch ?? '-'), String(d.assignmentEpoch ?? '-'));
  }
  console.log(formatTable(header, [row]));
}

function printMembers(d: GroupDescription, verbose: boolean): void {
  if (d.members.length === 0) {
    console.log(`Consumer group '${d.groupId}' has no active members.`);
    return;
  }
  const header = ['GROUP', 'CONSUMER-ID', 'HOST', 'CLIENT-ID', '#PARTITIONS'];
  const kip848 = verbose && d.type === 'consumer';
  if (kip848)
    header.push('CURRENT-EPOCH', 'CURRENT-ASSIGNMENT', 'TARGET-EPOCH', 'TARGET-ASSIGNMENT');
  else if (verbose) header.push('ASSIGNMENT');
  const rows = d.members.map((m) => {
    const row = [d.groupId, m.memberId, m.clientHost, m.clientId, String(m.assignment.length)];
    if (kip848) {
      row.push(
        String(m.memberEpoch ?? '-'),
        formatAssignment(m.assignment),
        String(d.assignmentEpoch ?? '-'),
        formatAssignment(m.targetAssignment ?? []),
      );
    } else if (verbose) row.push(formatAssignment(m.assignment));
    return row;
  });
  console.log(formatTable(header, rows));
}

/** Kafka's way: `orders(0,1),payments(2)`, or '-' when nothing is assigned. */
function formatAssignment(tps: readonly { topic: string; partition: number }[]): string {
  if (tps.length === 0) return '-';
  const byTopic = new Map<string, number[]>();
  for (const tp of tps) byTopic.set(tp.topic, [...(byTopic.get(tp.topic) ?? []), tp.partition]);
  return [...byTopic]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([topic, ps]) => `${topic}(${ps.sort((x, y) => x - y).join(',')})`)
    .join(',');
}

async function printOffsets(admin: Admin, d: GroupDescription): Promise<void> {
  const committed = await admin.fetchOffsets(d.groupId);
  const owners = new Map<string, GroupDescription['members'][number]>();
  for (const m of d.members)
    for (const tp of m.assignment) owners.set(`${tp.topic}:${tp.partition}`, m);
  const keys = new Map<
    string,
    { topic: string; partition: number; committed: CommittedOffset | null }
  >();
  for (const c of committed)
    keys.set(`${c.topic}:${c.partition}`, { topic: c.topic, partition: c.partition, committed: c });
  for (const [key, m] of owners) {
    if (keys.has(key)) continue;
    const tp = m.assignment.find((a) => `${a.topic}:${a.partition}` === key)!;
    keys.set(key, { ...tp, committed: null });
  }
  const list = [...keys.values()].sort(
    (a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition,
  );
  const ends = list.length === 0 ? [] : await admin.listOffsets(list, 'latest');
  if (d.members.length === 0)
    console.log(`\nConsumer group '${d.groupId}' has no active members.\n`);
  const rows = list.map((p, i) => {
    const m = owners.get(`${p.topic}:${p.partition}`);
    const current = p.committed !== null && p.committed.offset >= 0n ? p.committed.offset : null;
    const end = ends[i]!.offset;
    return [
      d.groupId,
      p.topic,
      String(p.partition),
      current === null ? '-' : String(current),
      String(end),
      current === null ? '-' : String(end - current),
      m?.memberId ?? '-',
      m === undefined ? '-' : m.clientHost,
      m?.clientId ?? '-',
    ];
  });
  console.log(
    formatTable(
      [
        'GROUP',
        'TOPIC',
        'PARTITION',
        'CURRENT-OFFSET',
        'LOG-END-OFFSET',
        'LAG',
        'CONSUMER-ID',
        'HOST',
        'CLIENT-ID',
      ],
      rows,
    ),
  );
}

type ResetTarget =
  | { kind: 'earliest' | 'latest' | 'current' }
  | { kind: 'offset'; offset: bigint }
  | { kind: 'shift'; by: bigint }
  | { kind: 'datetime'; ms: number }
  | { kind: 'duration'; ms: number }
  | { kind: 'file' };

function resetTarget(flags: FlagValues): ResetTarget {
  const targets: ResetTarget[] = [];
  if (flags['to-earliest'] === true) targets.push({ kind: 'earliest' });
  if (flags['to-latest'] === true) targets.push({ kind: 'latest' });
  if (flags['to-current'] === true) targets.push({ kind: 'current' });
  const toOffset = stringFlag(flags, 'to-offset');
  if (toOffset !== undefined)
    targets.push({ kind: 'offset', offset: bigintOf('to-offset', toOffset) });
  const shift = stringFlag(flags, 'shift-by');
  if (shift !== undefined) targets.push({ kind: 'shift', by: bigintOf('shift-by', shift) });
  const datetime = stringFlag(flags, 'to-datetime');
  if (datetime !== undefined) {
    const ms = Date.parse(datetime);
    if (Number.isNaN(ms))
      throw new UsageError(`--to-datetime '${datetime}' is not YYYY-MM-DDTHH:mm:SS.sss`);
    targets.push({ kind: 'datetime', ms });
  }
  const duration = stringFlag(flags, 'by-duration');
  if (duration !== undefined) targets.push({ kind: 'duration', ms: parseDuration(duration) });
  if (stringFlag(flags, 'from-file') !== undefined) targets.push({ kind: 'file' });
  if (targets.length !== 1) {
    throw new UsageError(
      'give exactly one of --to-earliest, --to-latest, --to-current, --to-offset, --shift-by, --to-datetime, --by-duration, --from-file',
    );
  }
  if (flags['dry-run'] === true && flags.execute === true)
    throw new UsageError('--dry-run and --execute exclude each other');
  const scoped = listFlag(flags, 'topic').length > 0 || flags['all-topics'] === true;
  if (!scoped && targets[0]!.kind !== 'file') {
    throw new UsageError('--reset-offsets needs --topic or --all-topics');
  }
  return targets[0]!;
}

function bigintOf(flag: string, v: string): bigint {
  if (!/^-?\d+$/.test(v)) throw new UsageError(`--${flag} '${v}' is not an integer`);
  return BigInt(v);
}

async function planReset(admin: Admin, groupId: string, flags: FlagValues) {
  const target = resetTarget(flags);
  const committed = await admin.fetchOffsets(groupId);
  const partitions = await resetPartitions(admin, flags, committed);
  const earliest = await admin.listOffsets(partitions, 'earliest');
  const latest = await admin.listOffsets(partitions, 'latest');
  const byTime =
    target.kind === 'datetime' || target.kind === 'duration'
      ? await admin.listOffsets(
          partitions,
          target.kind === 'datetime' ? target.ms : Date.now() - target.ms,
        )
      : [];
  return partitions.map((tp, i) => {
    const low = earliest[i]!.offset;
    const high = latest[i]!.offset;
    const current =
      committed.find((c) => c.topic === tp.topic && c.partition === tp.partition)?.offset ?? -1n;
    let offset: bigint;
    switch (target.kind) {
      case 'earliest':
        offset = low;
        break;
      case 'latest':
        offset = high;
        break;
      case 'current':
        offset = current >= 0n ? current : high;
        break;
      case 'offset':
        offset = target.offset;
        break;
      case 'shift':
        offset = (current >= 0n ? current : high) + target.by;
        break;
      case 'datetime':
      case 'duration':
        offset = byTime[i]!.offset < 0n ? high : byTime[i]!.offset;
        break;
      case 'file':
        throw new Error('a --from-file plan is not computed here');
    }
    // Kafka clamps to the partition's range rather than failing.
    if (offset < low) offset = low;
    if (offset > high) offset = high;
    return { ...tp, offset };
  });
}

async function resetPartitions(admin: Admin, flags: FlagValues, committed: CommittedOffset[]) {
  if (flags['all-topics'] === true) {
    return committed.map(({ topic, partition }) => ({ topic, partition }));
  }
  return topicPartitions(admin, listFlag(flags, 'topic'));
}

/** `--topic T` (every partition of T) or `--topic T:0,2` (those partitions). */
async function topicPartitions(admin: Admin, specs: readonly string[]) {
  const out: { topic: string; partition: number }[] = [];
  for (const spec of specs) {
    const [topic, parts] = spec.split(':') as [string, string | undefined];
    if (parts !== undefined && parts !== '') {
      for (const p of parts.split(',')) {
        if (!/^\d+$/.test(p.trim()))
          throw new UsageError(`Invalid partition '${p}' specified in topic arg '${spec}'`);
        out.push({ topic, partition: Number(p) });
      }
      continue;
    }
    const [meta] = await admin.describeTopics([topic]);
    if (meta === undefined || meta.errorCode !== 0)
      throw new KafkaError(meta?.errorCode ?? 3, `topic '${topic}' does not exist`);
    for (const p of meta.partitions) out.push({ topic, partition: p.partition });
  }
  return out;
}

/**
 * An ISO-8601 duration as Java's Duration.parse reads it (`PnDTnHnMn.nS`, e.g. `PT1H30M`,
 * `P1D`), in milliseconds.
 */
export function parseDuration(text: string): number {
  const m =
    /^([-+]?)P(?:([-+]?\d+)D)?(?:T(?:([-+]?\d+)H)?(?:([-+]?\d+)M)?(?:([-+]?\d+(?:[.,]\d{0,9})?)S)?)?$/i.exec(
      text,
    );
  const parts = m === null ? [] : m.slice(2).filter((x) => x !== undefined);
  if (m === null || parts.length === 0 || /T$/i.test(text)) {
    throw new UsageError(
      `--by-duration '${text}' is not an ISO-8601 duration such as PT1H or P1DT2H`,
    );
  }
  const num = (s: string | undefined) => (s === undefined ? 0 : Number(s.replace(',', '.')));
  const ms = num(m[2]) * 86_400_000 + num(m[3]) * 3_600_000 + num(m[4]) * 60_000 + num(m[5]) * 1000;
  return m[1] === '-' ? -ms : ms;
}

/**
 * A `--from-file` plan: Kafka's CSV, `topic,partition,offset` per line for the one --group
 * given, or `group,topic,partition,offset`.
 */
function readResetPlan(flags: FlagValues): Map<string, OffsetToCommit[]> | null {
  const path = stringFlag(flags, 'from-file');
  if (path === undefined) return null;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${path}: ${(err as Error).message}`);
  }
  const groups = listFlag(flags, 'group');
  const plan = new Map<string, OffsetToCommit[]>();
  for (const [i, line] of text.split(/\r?\n/).entries()) {
    if (line.trim() === '') continue;
    const cells = line.split(',').map((c) => c.trim());
    let group: string | undefined;
    let rest: string[];
    if (cells.length === 3 && groups.length === 1) [group, rest] = [groups[0], cells];
    else if (cells.length === 4) [group, rest] = [cells[0], cells.slice(1)];
    else {
      throw new UsageError(
        `${path} line ${i + 1}: expected topic,partition,offset (with one --group) or group,topic,partition,offset`,
      );
    }
    const [topic, partition, offset] = rest as [string, string, string];
    if (!/^\d+$/.test(partition) || !/^-?\d+$/.test(offset))
      throw new UsageError(`${path} line ${i + 1}: partition and offset must be integers`);
    const list = plan.get(group!) ?? [];
    list.push({ topic, partition: Number(partition), offset: BigInt(offset) });
    plan.set(group!, list);
  }
  return plan;
}

/** Offsets outside a partition's range move to its nearest end, as Kafka's resetter does. */
async function clampToRange(admin: Admin, offsets: readonly OffsetToCommit[]) {
  if (offsets.length === 0) return [];
  const earliest = await admin.listOffsets(offsets, 'earliest');
  const latest = await admin.listOffsets(offsets, 'latest');
  return offsets.map((o, i) => {
    let offset = o.offset;
    if (offset < earliest[i]!.offset) offset = earliest[i]!.offset;
    if (offset > latest[i]!.offset) offset = latest[i]!.offset;
    return { topic: o.topic, partition: o.partition, offset };
  });
}

/** `--export`: the plan as Kafka's CSV, with the group column when several groups were asked. */
function exportCsv(
  plans: readonly { groupId: string; offsets: readonly OffsetToCommit[] }[],
  singleGroup: boolean,
): string {
  return plans
    .flatMap(({ groupId, offsets }) =>
      offsets.map((o) =>
        [...(singleGroup ? [] : [groupId]), o.topic, String(o.partition), String(o.offset)].join(
          ',',
        ),
      ),
    )
    .join('\n');
}
