// confluent-kafka-python (librdkafka 2.0.2) against a broker started here: AdminClient topics,
// partitions and configs; the idempotent Producer with delivery reports; the Consumer with
// assign at an offset and at a timestamp (offsets_for_times).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startBroker, type Broker } from '../../src/index.js';
import { confluent } from './support/clients.js';

/** librdkafka's ConfigSource values. */
const DYNAMIC_TOPIC_CONFIG = 1;
const DYNAMIC_BROKER_CONFIG = 2;
const DEFAULT_CONFIG = 5;

let broker: Broker;
let bootstrap: string;
before(async () => {
  broker = await startBroker({ port: 0, config: { 'num.partitions': 2 } });
  bootstrap = broker.bootstrap;
});
after(() => broker.close());

type Errors = Record<string, string | null>;
interface Listing {
  brokers: string[];
  topics: Record<string, number[]>;
}
interface ConfigEntry {
  value: string | null;
  source: number;
  default: boolean;
  read_only: boolean;
  synonyms: [string, string | null, number][];
}
interface Report {
  error: string | null;
  partition: number;
  offset: number;
  key: string | null;
}
interface Message {
  partition: number;
  offset: number;
  key: string | null;
  value: string | null;
  timestamp: number;
  headers: Record<string, string>;
}

const admin = <T>(args: object) => confluent<T>('admin', { bootstrap, ...args });

test('AdminClient creates, lists, describes, alters, extends and deletes topics', async () => {
  const created = await admin<Errors>({
    op: 'create_topics',
    topics: [
      { name: 'ck-orders', partitions: 3, config: { 'retention.ms': '3600000' } },
      { name: 'ck-compact', partitions: 1, config: { 'cleanup.policy': 'compact' } },
    ],
  });
  assert.deepEqual(created, { 'ck-orders': null, 'ck-compact': null });

  const again = await admin<Errors>({ op: 'create_topics', topics: [{ name: 'ck-orders' }] });
  assert.deepEqual(again, { 'ck-orders': 'TOPIC_ALREADY_EXISTS' });
  const bad = await admin<Errors>({ op: 'create_topics', topics: [{ name: 'bad/name' }] });
  assert.deepEqual(bad, { 'bad/name': 'TOPIC_EXCEPTION' });
  const dryRun = await admin<Errors>({
    op: 'create_topics',
    validate_only: true,
    topics: [{ name: 'ck-dry-run', partitions: 2 }],
  });
  assert.deepEqual(dryRun, { 'ck-dry-run': null });

  let listing = await admin<Listing>({ op: 'list_topics' });
  assert.deepEqual(listing.brokers, [bootstrap]);
  assert.deepEqual(listing.topics['ck-orders'], [0, 1, 2]);
  assert.deepEqual(listing.topics['ck-compact'], [0]);
  assert.equal(listing.topics['ck-dry-run'], undefined, 'validate_only created nothing');

  let configs = await admin<Record<string, ConfigEntry>>({
    op: 'describe_configs',
    name: 'ck-orders',
  });
  assert.equal(configs['retention.ms']?.value, '3600000');
  assert.equal(configs['retention.ms']?.source, DYNAMIC_TOPIC_CONFIG);
  assert.equal(configs['cleanup.policy']?.value, 'delete');
  assert.equal(configs['cleanup.policy']?.source, DEFAULT_CONFIG);
  const compact = await admin<Record<string, ConfigEntry>>({
    op: 'describe_configs',
    name: 'ck-compact',
  });
  assert.equal(compact['cleanup.policy']?.value, 'compact');

  const altered = await admin<Errors>({
    op: 'alter_configs',
    name: 'ck-orders',
    config: { 'retention.ms': '7200000', 'max.message.bytes': '2000000' },
  });
  assert.deepEqual(Object.values(altered), [null]);
  configs = await admin<Record<string, ConfigEntry>>({
    op: 'describe_configs',
    name: 'ck-orders',
  });
  assert.equal(configs['retention.ms']?.value, '7200000');
  assert.equal(configs['max.message.bytes']?.value, '2000000');
  assert.equal(configs['max.message.bytes']?.source, DYNAMIC_TOPIC_CONFIG);

  const brokerConfigs = await admin<Record<string, ConfigEntry>>({
    op: 'describe_configs',
    type: 'broker',
    name: '1',
  });
  assert.equal(brokerConfigs['num.partitions']?.value, '2');

  assert.deepEqual(await admin<Errors>({ op: 'create_partitions', topic: 'ck-orders', count: 5 }), {
    'ck-orders': null,
  });
  assert.deepEqual(await admin<Errors>({ op: 'create_partitions', topic: 'ck-orders', count: 2 }), {
    'ck-orders': 'INVALID_PARTITIONS',
  });
  listing = await admin<Listing>({ op: 'list_topics' });
  assert.deepEqual(listing.topics['ck-orders'], [0, 1, 2, 3, 4]);

  assert.deepEqual(await admin<Errors>({ op: 'delete_topics', topics: ['ck-orders'] }), {
    'ck-orders': null,
  });
  assert.deepEqual(await admin<Errors>({ op: 'delete_topics', topics: ['ck-missing'] }), {
    'ck-missing': 'UNKNOWN_TOPIC_OR_PART',
  });
  listing = await admin<Listing>({ op: 'list_topics' });
  assert.equal(listing.topics['ck-orders'], undefined);
  assert.deepEqual(listing.topics['ck-compact'], [0]);
});

test('the idempotent Producer gets a delivery report for every message', async () => {
  const messages = Array.from({ length: 300 }, (_, i) => ({
    key: `key-${i % 7}`,
    value: `value-${i}`,
    headers: { n: String(i) },
  }));
  const { reports, unflushed } = await confluent<{ reports: Report[]; unflushed: number }>(
    'produce',
    {
      bootstrap,
      topic: 'ck-idempotent',
      config: { 'enable.idempotence': true, acks: 'all', 'linger.ms': 2 },
      messages,
    },
  );
  assert.equal(unflushed, 0);
  assert.equal(reports.length, messages.length);
  assert.deepEqual(
    reports.filter((r) => r.error !== null),
    [],
  );
  // Offsets are dense per partition and follow produce order for each key.
  const byPartition = new Map<number, number[]>();
  for (const r of reports)
    byPartition.set(r.partition, [...(byPartition.get(r.partition) ?? []), r.offset]);
  for (const [partition, offsets] of byPartition) {
    assert.deepEqual(
      [...offsets].sort((a, b) => a - b),
      offsets.map((_, i) => i),
      `partition ${partition}`,
    );
  }
});

test('the Consumer reads from an assigned offset, after a seek and from a timestamp', async () => {
  const topic = 'ck-consume';
  const base = Date.now() - 600_000;
  const messages = Array.from({ length: 40 }, (_, i) => ({
    key: `k${i}`,
    value: `v${i}`,
    partition: 0,
    timestamp: base + i * 1000,
    headers: { i: String(i) },
  }));
  const produced = await confluent<{ reports: Report[] }>('produce', {
    bootstrap,
    topic,
    messages,
  });
  assert.deepEqual(
    produced.reports.map((r) => [r.error, r.offset]),
    messages.map((_, i) => [null, i]),
  );

  const fromOffset = await confluent<{ messages: Message[] }>('consume', {
    bootstrap,
    topic,
    offsets: { 0: 25 },
    count: 15,
    stop_at_eof: true,
  });
  assert.deepEqual(
    fromOffset.messages.map((m) => [m.offset, m.key, m.value, m.timestamp, m.headers.i]),
    messages.slice(25).map((m, i) => [25 + i, m.key, m.value, m.timestamp, String(25 + i)]),
  );

  const seeked = await confluent<{ seeked_from: number; messages: Message[] }>('consume', {
    bootstrap,
    topic,
    offsets: { 0: 3 },
    seek: { 0: 36 },
    count: 4,
    stop_at_eof: true,
  });
  assert.equal(seeked.seeked_from, 3);
  assert.deepEqual(
    seeked.messages.map((m) => [m.offset, m.key]),
    [
      [36, 'k36'],
      [37, 'k37'],
      [38, 'k38'],
      [39, 'k39'],
    ],
  );

  const fromTime = await confluent<{ messages: Message[] }>('consume', {
    bootstrap,
    topic,
    timestamps: { 0: base + 30_500 },
    count: 9,
    stop_at_eof: true,
  });
  assert.deepEqual(
    fromTime.messages.map((m) => m.offset),
    [31, 32, 33, 34, 35, 36, 37, 38, 39],
  );
});

test('a consumer group whose members have all left still lists with protocol type consumer', async () => {
  const topic = 'ck-empty-group';
  await confluent('produce', { bootstrap, topic, messages: [{ value: 'a' }, { value: 'b' }] });
  const group = 'ck-group-left';
  const consumed = await confluent<{ messages: unknown[] }>('consume', {
    bootstrap,
    topic,
    group,
    subscribe: true,
    count: 2,
    config: { 'auto.offset.reset': 'earliest' },
  });
  assert.equal(consumed.messages.length, 2);
  // The consumer closed (LeaveGroup): the group is Empty but keeps its protocol type, so
  // librdkafka does not take it for a simple (commit-only) group.
  const groups = await admin<Record<string, { state: string; protocol_type: string }>>({
    op: 'list_groups',
  });
  assert.deepEqual(groups[group], { state: 'Empty', protocol_type: 'consumer', members: 0 });
});

test('describe_configs synonyms: retention.ms names log.retention.ms only once it is set', async () => {
  assert.deepEqual(await admin<Errors>({ op: 'create_topics', topics: [{ name: 'ck-syn' }] }), {
    'ck-syn': null,
  });
  const describe = () =>
    admin<Record<string, ConfigEntry>>({ op: 'describe_configs', name: 'ck-syn' });
  let configs = await describe();
  // Nothing sets log.retention.ms: Kafka lists no synonym (not log.retention.hours=168).
  assert.deepEqual(configs['retention.ms']?.synonyms, []);
  assert.equal(configs['retention.ms']?.source, DEFAULT_CONFIG);
  assert.deepEqual(configs['segment.bytes']?.synonyms, [
    ['log.segment.bytes', '1073741824', DEFAULT_CONFIG],
  ]);
  assert.equal(configs['leader.replication.throttled.replicas']?.value, '');
  assert.equal(configs['follower.replication.throttled.replicas']?.value, '');

  // A dynamic per-broker value (legacy AlterConfigs; confluent-kafka-python 1.7 cannot name
  // the cluster default, '', which the handler tests cover).
  const alter = (name: string, config: Record<string, string>) =>
    admin<Errors>({ op: 'alter_configs', type: 'broker', name, config });
  assert.deepEqual(Object.values(await alter('1', { 'log.retention.ms': '3600000' })), [null]);
  configs = await describe();
  assert.equal(configs['retention.ms']?.value, '3600000');
  assert.equal(configs['retention.ms']?.source, DYNAMIC_BROKER_CONFIG);
  assert.deepEqual(configs['retention.ms']?.synonyms, [
    ['log.retention.ms', '3600000', DYNAMIC_BROKER_CONFIG],
    ['log.retention.hours', '168', DEFAULT_CONFIG],
  ]);
  const brokerConfigs = await admin<Record<string, ConfigEntry>>({
    op: 'describe_configs',
    type: 'broker',
    name: '1',
  });
  assert.equal(brokerConfigs['log.retention.ms']?.value, '3600000');
  assert.equal(brokerConfigs['log.retention.ms']?.read_only, false);
  assert.equal(brokerConfigs['log.dirs']?.read_only, true);

  // Keys Kafka cannot change at run time are refused; an empty set clears the resource.
  assert.deepEqual(Object.values(await alter('1', { 'log.dirs': '/elsewhere' })), [
    'INVALID_REQUEST',
  ]);
  assert.deepEqual(Object.values(await alter('1', {})), [null]);
  configs = await describe();
  assert.equal(configs['retention.ms']?.value, '604800000');
  assert.equal(configs['retention.ms']?.source, DEFAULT_CONFIG);
});
