// `rivulet streams-application-reset`: kafka-streams-application-reset.sh (StreamsResetter).
// Makes a Streams application start over: its input topics' committed offsets go back (to the
// earliest offset unless told otherwise), intermediate topics are skipped to their end, and its
// internal topics (`<application.id>-...-changelog` / `-repartition`) are deleted. The
// application must be stopped: a group with members is refused.
import type { Admin } from '../../client/index.js';
import {
  EXIT_FAILED,
  EXIT_OK,
  listFlag,
  parseFlags,
  requireFlag,
  stringFlag,
  UsageError,
  withAdmin,
} from './tool-support.js';

const SPEC = {
  name: 'streams-application-reset',
  help: `Usage: rivulet streams-application-reset --bootstrap-server HOST:PORT --application-id ID [options]

Resets a Kafka Streams application so that it reprocesses its input (kafka-streams-application-reset.sh).
Stop every instance of the application first.

Options:
  --bootstrap-server LIST      Brokers to connect to (--bootstrap-servers also works). Required.
  --application-id ID          The application.id (its consumer group). Required.
  --input-topics LIST          Comma-separated input topics; their offsets are reset.
  --intermediate-topics LIST   Comma-separated topics the application writes and reads; its
                               offsets move to their end.
  --internal-topics LIST       Internal topics to delete (default: every topic named
                               <application.id>-...-changelog or -repartition).
  --to-earliest                Reset input offsets to the earliest offset (the default).
  --to-latest                  Reset input offsets to the latest offset.
  --to-offset N                Reset input offsets to N.
  --to-datetime DATETIME       Reset to the first offset at or after an ISO-8601 date-time.
  --by-duration DURATION       Reset to the offset of now minus an ISO-8601 duration (PnDTnHnMnS).
  --shift-by N                 Move the committed offsets by N (may be negative).
  --dry-run                    Print what would be done, change nothing.
  --force                      Not supported: members cannot be removed from the group here.
  --command-config FILE        Admin client properties file.
  -h, --help                   Show this help.

Exit status: 0 done, 1 the reset failed, 2 bad command line.`,
  options: {
    'bootstrap-server': { type: 'string' },
    'application-id': { type: 'string' },
    'input-topics': { type: 'string', multiple: true },
    'intermediate-topics': { type: 'string', multiple: true },
    'internal-topics': { type: 'string', multiple: true },
    'to-earliest': { type: 'boolean' },
    'to-latest': { type: 'boolean' },
    'to-offset': { type: 'string' },
    'to-datetime': { type: 'string' },
    'by-duration': { type: 'string' },
    'shift-by': { type: 'string' },
    'dry-run': { type: 'boolean' },
    force: { type: 'boolean' },
    'command-config': { type: 'string' },
  },
  aliases: { 'bootstrap-servers': 'bootstrap-server' },
} as const;

type Target =
  | { kind: 'earliest' | 'latest' }
  | { kind: 'offset'; offset: bigint }
  | { kind: 'time'; timestampMs: number }
  | { kind: 'shift'; by: bigint };

export async function runStreamsApplicationReset(args: string[]): Promise<number> {
  const flags = parseFlags(SPEC, args);
  if (typeof flags === 'number') return flags;
  const topics = (name: string) =>
    listFlag(flags, name)
      .flatMap((v) => v.split(','))
      .filter((t) => t !== '');
  return withAdmin(SPEC.name, flags, async (admin) => {
    const appId = requireFlag(flags, 'application-id');
    if (flags.force === true)
      throw new UsageError('--force is not supported: stop the application instead');
    const target = parseTarget(flags);
    const dryRun = flags['dry-run'] === true;
    const [group] = await admin.describeGroups([appId]);
    if (group !== undefined && group.members.length > 0) {
      console.error(
        `ERROR: Consumer group ${appId} is not empty. Make sure to stop all running application instances before running the reset tool.`,
      );
      return EXIT_FAILED;
    }
    const existing = new Set(await admin.listTopics());
    const inputs = topics('input-topics');
    if (inputs.length > 0) {
      console.log(`Reset-offsets for input topics [${inputs.join(', ')}]`);
      await resetOffsets(
        admin,
        appId,
        inputs.filter((t) => existing.has(t)),
        target,
        dryRun,
      );
    }
    const intermediate = topics('intermediate-topics');
    if (intermediate.length > 0) {
      console.log(`Seek-to-end for intermediate topics [${intermediate.join(', ')}]`);
      await resetOffsets(
        admin,
        appId,
        intermediate.filter((t) => existing.has(t)),
        { kind: 'latest' },
        dryRun,
      );
    }
    const given = topics('internal-topics');
    const internal = (
      given.length > 0 ? given : [...existing].filter((t) => isInternalTopic(appId, t))
    )
      .filter((t) => existing.has(t))
      .sort();
    console.log(`Deleting inter-mediate topics [${internal.join(', ')}]`);
    for (const t of internal) console.log(`Topic: ${t}`);
    if (!dryRun && internal.length > 0) {
      const results = await admin.deleteTopics(internal);
      const failed = results.filter((r) => r.errorCode !== 0);
      if (failed.length > 0)
        throw new Error(`could not delete ${failed.map((r) => r.name).join(', ')}`);
    }
    console.log('Done.');
    return EXIT_OK;
  });
}

/** Kafka Streams' internal topic names: `<application.id>-` then `-changelog` or `-repartition`. */
export function isInternalTopic(applicationId: string, topic: string): boolean {
  return (
    topic.startsWith(`${applicationId}-`) &&
    (topic.endsWith('-changelog') || topic.endsWith('-repartition'))
  );
}

async function resetOffsets(
  admin: Admin,
  groupId: string,
  topics: string[],
  target: Target,
  dryRun: boolean,
): Promise<void> {
  const partitions = (await admin.describeTopics(topics)).flatMap((t) =>
    t.partitions.map((p) => ({ topic: t.name, partition: p.partition })),
  );
  const committed = target.kind === 'shift' ? await admin.fetchOffsets(groupId, partitions) : [];
  const offsets = [];
  for (const tp of partitions) {
    const [earliest] = await admin.listOffsets([tp], 'earliest');
    const [latest] = await admin.listOffsets([tp], 'latest');
    let offset: bigint;
    switch (target.kind) {
      case 'earliest':
      case 'latest':
        offset = (target.kind === 'earliest' ? earliest : latest)!.offset;
        break;
      case 'offset':
        offset = target.offset;
        break;
      case 'time': {
        const [r] = await admin.listOffsets([tp], target.timestampMs);
        offset = r === undefined || r.offset < 0n ? latest!.offset : r.offset;
        break;
      }
      case 'shift': {
        const c = committed.find((o) => o.topic === tp.topic && o.partition === tp.partition);
        offset = (c !== undefined && c.offset >= 0n ? c.offset : earliest!.offset) + target.by;
        break;
      }
    }
    // Like Kafka, an offset out of range is clamped to the partition's bounds.
    if (offset < earliest!.offset) offset = earliest!.offset;
    if (offset > latest!.offset) offset = latest!.offset;
    offsets.push({ ...tp, offset });
  }
  offsets.sort((a, b) =>
    a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition,
  );
  console.log(`Following input topics offsets will be reset to (for consumer group ${groupId})`);
  for (const o of offsets)
    console.log(`Topic: ${o.topic} Partition: ${o.partition} Offset: ${o.offset}`);
  if (!dryRun && offsets.length > 0) await admin.alterOffsets(groupId, offsets);
  console.log('Done.');
}

function parseTarget(flags: Record<string, unknown>): Target {
  const given = [
    'to-earliest',
    'to-latest',
    'to-offset',
    'to-datetime',
    'by-duration',
    'shift-by',
  ].filter((f) => flags[f] !== undefined && flags[f] !== false);
  if (given.length > 1) throw new UsageError(`only one of --${given.join(', --')} may be given`);
  const value = (f: string) => stringFlag(flags as never, f)!;
  switch (given[0]) {
    case undefined:
    case 'to-earliest':
      return { kind: 'earliest' };
    case 'to-latest':
      return { kind: 'latest' };
    case 'to-offset':
      return { kind: 'offset', offset: parseBig(value('to-offset'), 'to-offset') };
    case 'shift-by':
      return { kind: 'shift', by: parseBig(value('shift-by'), 'shift-by') };
    case 'to-datetime': {
      const ms = Date.parse(value('to-datetime'));
      if (Number.isNaN(ms))
        throw new UsageError(`--to-datetime: cannot read ${value('to-datetime')}`);
      return { kind: 'time', timestampMs: ms };
    }
    default: {
      const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(
        value('by-duration'),
      );
      if (m === null)
        throw new UsageError(`--by-duration: not an ISO-8601 duration: ${value('by-duration')}`);
      const ms =
        ((Number(m[1] ?? 0) * 24 + Number(m[2] ?? 0)) * 60 + Number(m[3] ?? 0)) * 60_000 +
        Number(m[4] ?? 0) * 1000;
      return { kind: 'time', timestampMs: Date.now() - ms };
    }
  }
}

function parseBig(text: string, flag: string): bigint {
  if (!/^-?\d+$/.test(text)) throw new UsageError(`--${flag}: not a number: ${text}`);
  return BigInt(text);
}
