// `rivulet reassign-partitions`: kafka-reassign-partitions.sh with its flags, JSON files and
// output lines.
// - --generate: the current assignment of the topics in --topics-to-move-json-file
//   ({"topics":[{"topic":"t"}],"version":1}) and a proposal spreading them over --broker-list
//   (replicas placed round-robin, as Kafka's assignment without racks; Kafka starts at a
//   random broker, this starts at the first so a proposal can be reproduced).
// - --execute: starts the reassignments of --reassignment-json-file
//   ({"version":1,"partitions":[{"topic":"t","partition":0,"replicas":[2,3]}]}), printing the
//   current assignment to keep for a rollback; with --throttle B/s it sets the throttled
//   replicas of the moving partitions (leader side: their current replicas; follower side:
//   the added ones) and the throttle rates of every broker involved, as Kafka's does.
// - --verify: the status of each partition of the file; once none is in progress, the
//   throttles are removed (unless --preserve-throttles).
// - --cancel: cancels the reassignments of the file that are in progress, removes throttles.
// - --list: the reassignments in progress.
import { readFileSync } from 'node:fs';
import type { Admin, OngoingReassignment } from '../../client/index.js';
import {
  EXIT_FAILED,
  EXIT_OK,
  describeError,
  intFlag,
  parseFlags,
  stringFlag,
  UsageError,
  withAdmin,
} from './tool-support.js';

const SPEC = {
  name: 'reassign-partitions',
  help: `Usage: rivulet reassign-partitions --bootstrap-server HOST:PORT ACTION [options]

Moves partition replicas between brokers (kafka-reassign-partitions.sh). ACTION is one of:
  --generate   --topics-to-move-json-file FILE --broker-list 1,2,3
               Prints the current assignment and a proposed one.
  --execute    --reassignment-json-file FILE [--throttle BYTES_PER_SEC] [--additional]
               Starts the reassignment; prints the current assignment (keep it for a rollback).
  --verify     --reassignment-json-file FILE [--preserve-throttles]
               Prints each partition's status; removes the throttles once all are done.
  --cancel     --reassignment-json-file FILE [--preserve-throttles]
               Cancels the reassignments of FILE that are in progress.
  --list       Lists the reassignments in progress.

Files:
  topics to move:  {"topics":[{"topic":"orders"}],"version":1}
  reassignment:    {"version":1,"partitions":[{"topic":"orders","partition":0,"replicas":[2,3]}]}

Options:
  --bootstrap-server LIST      Brokers to connect to. Required.
  --command-config FILE        Admin client properties file.
  -h, --help                   Show this help.

Exit status: 0 done, 1 the operation failed, 2 bad command line or file.`,
  options: {
    'bootstrap-server': { type: 'string' },
    'command-config': { type: 'string' },
    generate: { type: 'boolean' },
    execute: { type: 'boolean' },
    verify: { type: 'boolean' },
    cancel: { type: 'boolean' },
    list: { type: 'boolean' },
    'topics-to-move-json-file': { type: 'string' },
    'reassignment-json-file': { type: 'string' },
    'broker-list': { type: 'string' },
    throttle: { type: 'string' },
    additional: { type: 'boolean' },
    'preserve-throttles': { type: 'boolean' },
  },
} as const;

type Flags = Exclude<ReturnType<typeof parseFlags>, number>;

export interface PartitionAssignment {
  topic: string;
  partition: number;
  replicas: number[];
}

const ACTIONS = ['generate', 'execute', 'verify', 'cancel', 'list'] as const;

const LEADER_THROTTLED_REPLICAS = 'leader.replication.throttled.replicas';
const FOLLOWER_THROTTLED_REPLICAS = 'follower.replication.throttled.replicas';
const LEADER_THROTTLED_RATE = 'leader.replication.throttled.rate';
const FOLLOWER_THROTTLED_RATE = 'follower.replication.throttled.rate';

export async function runReassignPartitions(args: string[]): Promise<number> {
  const flags = parseFlags(SPEC, args);
  if (typeof flags === 'number') return flags;
  return withAdmin(SPEC.name, flags, async (admin) => {
    const actions = ACTIONS.filter((a) => flags[a] === true);
    if (actions.length !== 1) {
      throw new UsageError(
        'Command must include exactly one action: --generate, --execute, --verify, --cancel, or --list',
      );
    }
    switch (actions[0]!) {
      case 'generate':
        return generate(admin, flags);
      case 'execute':
        return execute(admin, flags);
      case 'verify':
        return verify(admin, flags);
      case 'cancel':
        return cancel(admin, flags);
      case 'list':
        return list(admin);
    }
  });
}

async function generate(admin: Admin, flags: Flags): Promise<number> {
  const file = stringFlag(flags, 'topics-to-move-json-file');
  const brokerList = stringFlag(flags, 'broker-list');
  if (file === undefined) throw new UsageError('--topics-to-move-json-file is required');
  if (brokerList === undefined) throw new UsageError('--broker-list is required');
  const topics = parseTopicsToMove(readJson(file));
  const brokers = brokerList.split(',').map((s) => {
    if (!/^\d+$/.test(s.trim())) throw new UsageError(`--broker-list: '${s}' is not a broker id`);
    return Number(s.trim());
  });
  if (new Set(brokers).size !== brokers.length) {
    throw new UsageError(`Duplicate brokers in --broker-list: ${brokerList}`);
  }
  const cluster = await admin.describeCluster();
  const known = new Set(cluster.brokers.map((b) => b.nodeId));
  const unknown = brokers.filter((b) => !known.has(b));
  if (unknown.length > 0) throw new UsageError(`Unknown broker id(s): ${unknown.join(',')}`);
  const current = await currentAssignment(admin, topics);
  const proposed = proposeAssignment(current, brokers);
  console.log(`Current partition replica assignment\n${formatJson(current)}\n`);
  console.log(`Proposed partition reassignment configuration\n${formatJson(proposed)}`);
  return EXIT_OK;
}

async function execute(admin: Admin, flags: Flags): Promise<number> {
  const target = reassignmentFile(flags);
  const throttle = intFlag(flags, 'throttle') ?? -1;
  const ongoing = await admin.listPartitionReassignments();
  if (ongoing.length > 0 && flags.additional !== true) {
    // Kafka's words; an operation failure (exit 1), not a command-line error.
    throw new Error(
      'Cannot execute because there is an existing partition assignment.  Use --additional to override this and create a new partition assignment in addition to the existing one.',
    );
  }
  const topics = [...new Set(target.map((t) => t.topic))];
  const current = (await currentAssignment(admin, topics)).filter((c) =>
    target.some((t) => t.topic === c.topic && t.partition === c.partition),
  );
  for (const t of target) {
    if (!current.some((c) => c.topic === t.topic && c.partition === t.partition)) {
      throw new UsageError(`Topic ${t.topic} partition ${t.partition} not found`);
    }
  }
  console.log(`Current partition replica assignment\n\n${formatJson(current)}\n`);
  console.log('Save this to use as the --reassignment-json-file option during rollback');
  if (throttle >= 0) {
    await setThrottles(admin, current, target, throttle);
    console.log(
      'Warning: You must run --verify periodically, until the reassignment completes, to ensure the throttle is removed.',
    );
    console.log(`The inter-broker throttle limit was set to ${throttle} B/s`);
  }
  const results = await admin.alterPartitionReassignments(
    target.map((t) => ({ topic: t.topic, partition: t.partition, replicas: t.replicas })),
  );
  const failed = results.filter((r) => r.errorCode !== 0);
  const started = results.filter((r) => r.errorCode === 0).map(name);
  if (failed.length > 0) {
    for (const f of failed) {
      console.error(
        `Error reassigning partition(s):\n${name(f)}: ${f.errorMessage ?? f.errorCode}`,
      );
    }
    return EXIT_FAILED;
  }
  console.log(
    `Successfully started partition reassignment${started.length === 1 ? '' : 's'} for ${started.join(',')}`,
  );
  return EXIT_OK;
}

async function verify(admin: Admin, flags: Flags): Promise<number> {
  const target = reassignmentFile(flags);
  const ongoing = await admin.listPartitionReassignments(target);
  const current = await currentAssignment(admin, [...new Set(target.map((t) => t.topic))]);
  console.log('Status of partition reassignment:');
  let inProgress = false;
  for (const t of target) {
    if (ongoing.some((o) => o.topic === t.topic && o.partition === t.partition)) {
      inProgress = true;
      console.log(`Reassignment of partition ${name(t)} is still in progress.`);
      continue;
    }
    const now = current.find((c) => c.topic === t.topic && c.partition === t.partition);
    if (now !== undefined && sameList(now.replicas, t.replicas)) {
      console.log(`Reassignment of partition ${name(t)} is completed.`);
    } else {
      const replicas = now?.replicas.join(',') ?? '';
      console.log(
        `There is no active reassignment of partition ${name(t)}, but replica set is ${replicas} rather than ${t.replicas.join(',')}.`,
      );
    }
  }
  if (!inProgress && flags['preserve-throttles'] !== true) {
    await clearThrottles(admin, target);
  }
  return EXIT_OK;
}

async function cancel(admin: Admin, flags: Flags): Promise<number> {
  const target = reassignmentFile(flags);
  const ongoing = await admin.listPartitionReassignments(target);
  if (ongoing.length === 0) {
    console.log('None of the specified partition reassignments are active.');
  } else {
    const results = await admin.alterPartitionReassignments(
      ongoing.map((o) => ({ topic: o.topic, partition: o.partition, replicas: null })),
    );
    const failed = results.filter((r) => r.errorCode !== 0);
    if (failed.length > 0) {
      for (const f of failed) {
        console.error(
          `Error cancelling partition reassignment for: ${name(f)}: ${f.errorMessage ?? f.errorCode}`,
        );
      }
      return EXIT_FAILED;
    }
    const done = results.map(name);
    console.log(
      `Successfully cancelled partition reassignment${done.length === 1 ? '' : 's'} for: ${done.join(',')}`,
    );
  }
  if (flags['preserve-throttles'] !== true) {
    await clearThrottles(admin, target);
  }
  return EXIT_OK;
}

async function list(admin: Admin): Promise<number> {
  const ongoing: OngoingReassignment[] = await admin.listPartitionReassignments();
  if (ongoing.length === 0) {
    console.log('No partition reassignments found.');
    return EXIT_OK;
  }
  console.log('Current partition reassignments:');
  for (const o of [...ongoing].sort(byPartition)) {
    console.log(
      `${name(o)}: replicas: ${o.replicas.join(',')}. adding: ${o.addingReplicas.join(',')}. removing: ${o.removingReplicas.join(',')}.`,
    );
  }
  return EXIT_OK;
}

/** Sets the throttled replicas of the moving topics and the rates of the brokers involved. */
async function setThrottles(
  admin: Admin,
  current: readonly PartitionAssignment[],
  target: readonly PartitionAssignment[],
  rate: number,
): Promise<void> {
  const leaders = new Map<string, string[]>();
  const followers = new Map<string, string[]>();
  const brokers = new Set<number>();
  for (const t of target) {
    const now = current.find((c) => c.topic === t.topic && c.partition === t.partition);
    if (now === undefined || sameList(now.replicas, t.replicas)) continue;
    for (const id of [...now.replicas, ...t.replicas]) brokers.add(id);
    const lead = leaders.get(t.topic) ?? [];
    lead.push(...now.replicas.map((id) => `${t.partition}:${id}`));
    leaders.set(t.topic, lead);
    const follow = followers.get(t.topic) ?? [];
    follow.push(
      ...t.replicas.filter((id) => !now.replicas.includes(id)).map((id) => `${t.partition}:${id}`),
    );
    followers.set(t.topic, follow);
  }
  for (const [topic, lead] of leaders) {
    await admin.alterConfigs({ type: 'topic', name: topic }, [
      { op: 'set', name: LEADER_THROTTLED_REPLICAS, value: lead.join(',') },
      { op: 'set', name: FOLLOWER_THROTTLED_REPLICAS, value: followers.get(topic)!.join(',') },
    ]);
  }
  for (const id of [...brokers].sort((a, b) => a - b)) {
    await admin.alterConfigs({ type: 'broker', name: String(id) }, [
      { op: 'set', name: LEADER_THROTTLED_RATE, value: String(rate) },
      { op: 'set', name: FOLLOWER_THROTTLED_RATE, value: String(rate) },
    ]);
  }
}

/** Removes the throttles --execute set: on every broker of the cluster (as Kafka's), and the topics. */
async function clearThrottles(admin: Admin, target: readonly PartitionAssignment[]): Promise<void> {
  const ids = (await admin.describeCluster()).brokers.map((b) => b.nodeId).sort((x, y) => x - y);
  console.log(
    `Clearing broker-level throttles on broker${ids.length === 1 ? '' : 's'} ${ids.join(',')}`,
  );
  for (const id of ids) {
    await admin.alterConfigs({ type: 'broker', name: String(id) }, [
      { op: 'delete', name: LEADER_THROTTLED_RATE },
      { op: 'delete', name: FOLLOWER_THROTTLED_RATE },
    ]);
  }
  const topics = [...new Set(target.map((t) => t.topic))];
  console.log(
    `Clearing topic-level throttles on topic${topics.length === 1 ? '' : 's'} ${topics.join(',')}`,
  );
  for (const topic of topics) {
    await admin.alterConfigs({ type: 'topic', name: topic }, [
      { op: 'delete', name: LEADER_THROTTLED_REPLICAS },
      { op: 'delete', name: FOLLOWER_THROTTLED_REPLICAS },
    ]);
  }
}

async function currentAssignment(
  admin: Admin,
  topics: readonly string[],
): Promise<PartitionAssignment[]> {
  const out: PartitionAssignment[] = [];
  for (const t of await admin.describeTopics(topics)) {
    for (const p of t.partitions) {
      out.push({ topic: t.name, partition: p.partition, replicas: [...p.replicas] });
    }
  }
  return out.sort(byPartition);
}

/**
 * Spreads each topic's partitions over `brokers` keeping its replication factor: replica j
 * of partition i goes to broker (i + j) mod n, so leaders (the first replicas) rotate.
 */
export function proposeAssignment(
  current: readonly PartitionAssignment[],
  brokers: readonly number[],
): PartitionAssignment[] {
  return current.map((c) => {
    const rf = c.replicas.length;
    if (rf > brokers.length) {
      throw new UsageError(
        `Replication factor: ${rf} larger than available brokers: ${brokers.length}.`,
      );
    }
    const replicas = Array.from(
      { length: rf },
      (_, j) => brokers[(c.partition + j) % brokers.length]!,
    );
    return { topic: c.topic, partition: c.partition, replicas };
  });
}

/** Kafka's reassignment JSON, with `log_dirs` as "any" for each replica. */
export function formatJson(assignment: readonly PartitionAssignment[]): string {
  return JSON.stringify({
    version: 1,
    partitions: assignment.map((a) => ({
      topic: a.topic,
      partition: a.partition,
      replicas: a.replicas,
      log_dirs: a.replicas.map(() => 'any'),
    })),
  });
}

function reassignmentFile(flags: Flags): PartitionAssignment[] {
  const file = stringFlag(flags, 'reassignment-json-file');
  if (file === undefined) throw new UsageError('--reassignment-json-file is required');
  return parseReassignmentJson(readJson(file));
}

/** Kafka's reassignment JSON (version 1); only "any" log dirs (no intra-broker moves). */
export function parseReassignmentJson(json: unknown): PartitionAssignment[] {
  const doc = json as { version?: unknown; partitions?: unknown } | null;
  if (doc === null || typeof doc !== 'object')
    throw new UsageError('the reassignment JSON is not an object');
  if (doc.version !== undefined && doc.version !== 1) {
    throw new UsageError(`Not supported version field value ${String(doc.version)}`);
  }
  if (!Array.isArray(doc.partitions) || doc.partitions.length === 0) {
    throw new UsageError('Partition reassignment list cannot be empty');
  }
  const seen = new Set<string>();
  return doc.partitions.map((entry: unknown) => {
    const e = entry as {
      topic?: unknown;
      partition?: unknown;
      replicas?: unknown;
      log_dirs?: unknown;
    };
    if (typeof e.topic !== 'string' || !Number.isInteger(e.partition)) {
      throw new UsageError(`not a topic partition: ${JSON.stringify(entry)}`);
    }
    if (!Array.isArray(e.replicas) || !e.replicas.every((r) => Number.isInteger(r))) {
      throw new UsageError(`Partition replica list cannot be empty: ${JSON.stringify(entry)}`);
    }
    const replicas = e.replicas as number[];
    if (new Set(replicas).size !== replicas.length) {
      throw new UsageError(
        `Duplicate replica assignment found: ${e.topic}-${e.partition as number} -> ${replicas.join(',')}`,
      );
    }
    if (Array.isArray(e.log_dirs) && e.log_dirs.some((d) => d !== 'any')) {
      throw new UsageError(
        'moving replicas between log directories (log_dirs other than "any") is not supported',
      );
    }
    const key = `${e.topic}-${e.partition as number}`;
    if (seen.has(key)) throw new UsageError(`Duplicate reassignment found for partition ${key}`);
    seen.add(key);
    return { topic: e.topic, partition: e.partition as number, replicas };
  });
}

function parseTopicsToMove(json: unknown): string[] {
  const doc = json as { topics?: unknown } | null;
  if (!Array.isArray(doc?.topics)) throw new UsageError('the topics JSON has no "topics" array');
  const topics = doc.topics.map((t: unknown) => {
    const topic = (t as { topic?: unknown } | null)?.topic;
    if (typeof topic !== 'string') throw new UsageError(`not a topic: ${JSON.stringify(t)}`);
    return topic;
  });
  if (new Set(topics).size !== topics.length) {
    throw new UsageError(
      `List of topics to reassign contains duplicate entries: ${topics.join(',')}`,
    );
  }
  return topics;
}

function readJson(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${path}: ${describeError(err)}`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${path} is not JSON: ${(err as Error).message}`);
  }
}

function name(p: { topic: string; partition: number }): string {
  return `${p.topic}-${p.partition}`;
}

function byPartition(
  a: { topic: string; partition: number },
  b: { topic: string; partition: number },
) {
  return a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1;
}

function sameList(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
