// Consumer groups with real clients: a mixed group of confluent-kafka-python, kafka-python,
// KafkaJS, @platformatic/kafka and kcat -G sharing one topic; a member killed with kill -9;
// commit, broker restart and resume; a static member restarting without a rebalance.
import { after, test as nodeTest } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import {
  memoryLogger,
  startBroker,
  type Broker,
  type LogRecord,
  type StartBrokerOptions,
} from '../../src/index.js';
import {
  kafkajsMember,
  kcatMember,
  platformaticMember,
  platformaticProcessMember,
  pythonMember,
  type GroupMember,
  type MemberOptions,
} from './support/group-members.js';
import { ProtocolClient } from '../support/protocol-client.js';
import { waitFor as waitUntil } from '../support/wait.js';

const test = (name: string, fn: () => Promise<void>) => nodeTest(name, { timeout: 120_000 }, fn);
const running: GroupMember[] = [];
const brokers: Broker[] = [];
// A client that does not close in time must not hold the run open.
const bounded = (p: Promise<void>) =>
  Promise.race([
    p.catch(() => {}),
    new Promise<void>((resolve) => setTimeout(resolve, 5000).unref()),
  ]);
after(async () => {
  await Promise.all(running.map((m) => bounded(m.stop())));
  await Promise.all(brokers.map((b) => b.close()));
});

async function broker(options: StartBrokerOptions = {}): Promise<Broker> {
  const config = {
    'group.initial.rebalance.delay.ms': 300,
    'group.min.session.timeout.ms': 1000,
    'offsets.topic.num.partitions': 5,
    ...options.config,
  };
  const logger = memoryLogger('info');
  const b = await startBroker({ port: 0, ...options, config, logger });
  brokers.push(b);
  logs.set(b, logger.records);
  return b;
}

/** What each broker logged, to follow its groups' rebalances. */
const logs = new Map<Broker, LogRecord[]>();

/** The group coordinator's records about `group` on broker `b`. */
function groupEvents(b: Broker, group: string): LogRecord[] {
  return logs
    .get(b)!
    .filter((r) => r.logger === 'kafka.coordinator.group' && r.fields['group'] === group);
}

/**
 * The broker's last word on `group` is a finished assignment for exactly `members` members:
 * `Stabilized group …` (classic) or `Computed a new target assignment …` (KIP-848), with no
 * `Preparing to rebalance` after it.
 */
function settled(b: Broker, group: string, members: number): boolean {
  const last = groupEvents(b, group).at(-1);
  if (last === undefined) return false;
  const done =
    last.message.startsWith('Stabilized group') ||
    last.message.startsWith('Computed a new target assignment');
  return done && (last.fields['members'] as string[]).length === members;
}

async function produce(
  b: Broker,
  topic: string,
  partitions: number,
  perPartition: number,
  from = 0,
) {
  const kafka = new Kafka({
    clientId: 'producer',
    brokers: [b.bootstrap],
    logLevel: logLevel.NOTHING,
  });
  // The topic is auto-created with the broker's num.partitions, which each test sets.
  const producer = kafka.producer();
  await producer.connect();
  for (let p = 0; p < partitions; p++) {
    const messages = Array.from({ length: perPartition }, (_, i) => ({ value: `v${from + i}` }));
    void partitions;
    await producer.send({ topic, messages: messages.map((m) => ({ ...m, partition: p })) });
  }
  await producer.disconnect();
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Rebalances of real clients take seconds: a longer bound and a slower check than usual. */
const waitFor = (what: string, check: () => boolean) =>
  waitUntil(what, check, { timeoutMs: 40_000, intervalMs: 100 });

/** Every partition owned by exactly one member, every member owning some, for a while. */
function balanced(members: GroupMember[], partitions: number): boolean {
  const owned = members.flatMap((m) => m.assigned).sort((a, b) => a - b);
  const all = Array.from({ length: partitions }, (_, i) => i);
  return (
    members.every((m) => m.assigned.length > 0) && JSON.stringify(owned) === JSON.stringify(all)
  );
}

async function waitBalanced(
  b: Broker,
  group: string,
  members: GroupMember[],
  partitions: number,
): Promise<void> {
  const describe = () => members.map((m) => `${m.name}=${JSON.stringify(m.assigned)}`).join(' ');
  // The broker has finished rebalancing for these members and each of them owns its share:
  // a rebalance in progress does not count.
  await waitFor(
    `a balanced group (${describe()})`,
    () => settled(b, group, members.length) && balanced(members, partitions),
  );
}

function readAll(members: GroupMember[], partitions: number, perPartition: number): boolean {
  const seen = new Set(members.flatMap((m) => [...m.records]));
  for (let p = 0; p < partitions; p++) {
    for (let o = 0; o < perPartition; o++) if (!seen.has(`${p}:${o}`)) return false;
  }
  return true;
}

test('a mixed group of five clients shares a topic: each partition has one owner, every record is read', async () => {
  const b = await broker({ config: { 'num.partitions': 10 } });
  const topic = 'mixed';
  await produce(b, topic, 10, 20);
  const o: MemberOptions = { bootstrap: b.bootstrap, group: 'mixed-group', topic };
  const starters: (() => GroupMember | Promise<GroupMember>)[] = [
    () => pythonMember('confluent', o),
    () => pythonMember('kafka-python', o),
    () => kafkajsMember(o),
    () => platformaticMember(o),
    () => kcatMember(o),
  ];
  const members: GroupMember[] = [];
  for (const start of starters) {
    const m = await start();
    members.push(m);
    running.push(m);
    await waitBalanced(b, o.group, members, 10);
  }
  await waitFor('every record read', () => readAll(members, 10, 20));
});

test('a member killed with kill -9 loses its partitions after the session timeout', async () => {
  const b = await broker({ config: { 'num.partitions': 6 } });
  const topic = 'killed';
  await produce(b, topic, 6, 5);
  const o: MemberOptions = {
    bootstrap: b.bootstrap,
    group: 'kill-group',
    topic,
    sessionTimeoutMs: 3000,
  };
  const survivor = pythonMember('kafka-python', o);
  running.push(survivor);
  await waitBalanced(b, o.group, [survivor], 6);
  const victim = pythonMember('confluent', o);
  running.push(victim);
  await waitBalanced(b, o.group, [survivor, victim], 6);
  const killedAt = Date.now();
  victim.kill();
  await waitFor('the survivor to own every partition', () => survivor.assigned.length === 6);
  assert.ok(Date.now() - killedAt >= 2000, 'not before the session timeout');
});

test('commit, restart the broker, resume: nothing lost, nothing committed read again', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rivulet-groups-'));
  try {
    const first = await broker({ dataDir: dir, config: { 'num.partitions': 3 } });
    const topic = 'resume';
    await produce(first, topic, 3, 10);
    const o = (bootstrap: string): MemberOptions => ({ bootstrap, group: 'resume-group', topic });
    const before = pythonMember('confluent', o(first.bootstrap));
    await waitFor('the first 30 records', () => readAll([before], 3, 10));
    await sleep(300);
    await before.stop();
    await first.close();
    brokers.splice(brokers.indexOf(first), 1);
    const second = await broker({
      dataDir: dir,
      port: first.port,
      config: { 'num.partitions': 3 },
    });
    await produce(second, topic, 3, 5, 10).catch(() => {});
    const afterRestart = pythonMember('kafka-python', o(second.bootstrap));
    running.push(afterRestart);
    await waitFor('the 15 new records', () => afterRestart.records.size >= 15);
    await sleep(1000);
    const offsets = [...afterRestart.records].map((r) => Number(r.split(':')[1]));
    assert.equal(afterRestart.records.size, 15, 'only what had not been committed');
    assert.ok(offsets.every((off) => off >= 10));
    await afterRestart.stop();
    await second.close();
    brokers.splice(brokers.indexOf(second), 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a static member restarting inside the session timeout gets its partitions back without a rebalance', async () => {
  const b = await broker({ config: { 'num.partitions': 4 } });
  const topic = 'static';
  await produce(b, topic, 4, 1);
  const o: MemberOptions = {
    bootstrap: b.bootstrap,
    group: 'static-group',
    topic,
    sessionTimeoutMs: 10000,
  };
  const other = pythonMember('confluent', { ...o, instanceId: 'other' });
  running.push(other);
  const first = pythonMember('confluent', { ...o, instanceId: 'restarting' });
  running.push(first);
  await waitBalanced(b, o.group, [other, first], 4);
  const mine = first.assigned;
  const otherAssignments = other.assignments;
  const eventsBefore = groupEvents(b, o.group).length;
  first.kill();
  const again = pythonMember('confluent', { ...o, instanceId: 'restarting' });
  running.push(again);
  await waitFor('the restarted member assigned', () => again.assigned.length > 0);
  assert.deepEqual(again.assigned, mine);
  // A rebalance caused by the rejoin would have begun before the rejoin was answered.
  assert.deepEqual(
    groupEvents(b, o.group)
      .slice(eventsBefore)
      .map((r) => r.message),
    [],
    'the broker started no rebalance',
  );
  assert.equal(other.assignments, otherAssignments, 'the other member saw no rebalance');
});

test('KIP-848: @platformatic/kafka consumers with group.protocol=consumer share a topic', async () => {
  const b = await broker({
    config: { 'num.partitions': 4, 'group.consumer.heartbeat.interval.ms': 500 },
  });
  const topic = 'kip848';
  await produce(b, topic, 4, 5);
  const o = {
    bootstrap: b.bootstrap,
    group: 'kip848-group',
    topic,
    groupProtocol: 'consumer' as const,
  };
  const first = platformaticProcessMember(o);
  running.push(first);
  await waitBalanced(b, o.group, [first], 4);
  const second = platformaticProcessMember(o);
  running.push(second);
  await waitBalanced(b, o.group, [first, second], 4);
  await waitFor('every record read', () => readAll([first, second], 4, 5));
  // They really use the KIP-848 protocol: the broker knows the group as a consumer group.
  const c = await ProtocolClient.connect(b.port);
  const described = await c.request(69, 0, {
    groupIds: [o.group],
    includeAuthorizedOperations: false,
  });
  c.close();
  assert.equal(described.groups[0].errorCode, 0);
  assert.equal(described.groups[0].members.length, 2);
  await bounded(second.stop());
  await waitFor('the first member to own every partition', () => first.assigned.length === 4);
});
