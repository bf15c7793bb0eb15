// `rivulet consumer-groups`: kafka-consumer-groups.sh — list groups, describe their offsets,
// lag and members, reset offsets of inactive groups (plan with --dry-run, apply with
// --execute) and delete groups.
import { Admin, type CommittedOffset, type GroupDescription } from '../../client/index.js';
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
  help: `Usage: rivulet consumer-groups --bootstrap-server HOST:PORT (--list | --describe | --reset-offsets | --delete) [options]

List, describe, reset or delete consumer groups (flags as kafka-consumer-groups.sh).

Actions (exactly one):
  --list                      List group ids.
  --describe                  Show each partition's CURRENT-OFFSET, LOG-END-OFFSET, LAG and owner;
                              with --members the members, with --state the group state.
  --reset-offsets             Move committed offsets (the group must have no active members).
  --delete                    Delete the group(s).

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
  --to-datetime YYYY-MM-DDTHH:mm:SS.sss     Where to move the offsets.
  --dry-run                   Show the new offsets only (the default).
  --execute                   Commit the new offsets.
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
    state: { type: 'boolean' },
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

const ACTIONS = ['list', 'describe', 'reset-offsets', 'delete'] as const;
type Action = (typeof ACTIONS)[number];

export async function runConsumerGroups(args: string[]): Promise<number> {
  const flags = parseFlags(SPEC, args);
  if (typeof flags === 'number') return flags;
  let admin: Admin | null = null;
  try {
    const actions = ACTIONS.filter((a) => flags[a] === true);
    if (actions.length !== 1)
      throw new UsageError('give exactly one of --list, --describe, --reset-offsets, --delete');
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
  list: async (admin) => {
    for (const g of await admin.listGroups()) console.log(g.groupId);
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
      if (flags.state === true) printState(d, verbose);
      else if (flags.members === true) printMembers(d, verbose);
      else await printOffsets(admin, d);
    }
    return code;
  },
  'reset-offsets': async (admin, flags) => {
    const rows: string[][] = [];
    for (const groupId of await groupIds(admin, flags)) {
      const [d] = await admin.describeGroups([groupId]);
      if (d !== undefined && d.members.length > 0) {
        throw new Error(
          `Assignments can only be reset if the group '${groupId}' is inactive, but the current state is ${d.state}.`,
        );
      }
      const planned = await planReset(admin, groupId, flags);
      if (flags.execute === true) await admin.alterOffsets(groupId, planned);
      for (const p of planned) rows.push([groupId, p.topic, String(p.partition), String(p.offset)]);
    }
    console.log(formatTable(['GROUP', 'TOPIC', 'PARTITION', 'NEW-OFFSET'], rows));
    return EXIT_OK;
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

async function groupIds(admin: Admin, flags: FlagValues): Promise<string[]> {
  if (flags['all-groups'] === true) return (await admin.listGroups()).map((g) => g.groupId);
  const groups = listFlag(flags, 'group');
  if (groups.length === 0) throw new UsageError('--group (or --all-groups) is required');
  return groups;
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
  | { kind: 'datetime'; ms: number };

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
  if (targets.length !== 1) {
    throw new UsageError(
      'give exactly one of --to-earliest, --to-latest, --to-current, --to-offset, --shift-by, --to-datetime',
    );
  }
  if (flags['dry-run'] === true && flags.execute === true)
    throw new UsageError('--dry-run and --execute exclude each other');
  if (listFlag(flags, 'topic').length === 0 && flags['all-topics'] !== true) {
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
  const byTime = target.kind === 'datetime' ? await admin.listOffsets(partitions, target.ms) : [];
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
        offset = byTime[i]!.offset < 0n ? high : byTime[i]!.offset;
        break;
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
  const out: { topic: string; partition: number }[] = [];
  for (const spec of listFlag(flags, 'topic')) {
    const [topic, parts] = spec.split(':') as [string, string | undefined];
    if (parts !== undefined && parts !== '') {
      for (const p of parts.split(',')) out.push({ topic, partition: Number(p) });
      continue;
    }
    const [meta] = await admin.describeTopics([topic]);
    for (const p of meta!.partitions) out.push({ topic, partition: p.partition });
  }
  return out;
}
