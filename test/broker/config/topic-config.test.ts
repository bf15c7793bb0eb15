import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  TOPIC_CONFIG_KEYS,
  brokerConfigKey,
  defaultOf,
  describeTopicConfig,
  effectiveTopicConfig,
  resolveBrokerConfig,
  validateTopicConfig,
} from '../../../src/broker/config/index.js';

const broker = (entries: Record<string, string> = {}) =>
  resolveBrokerConfig(new Map(Object.entries(entries))).config!;

test('every topic key default parses, and every synonym is a known broker key', () => {
  for (const k of TOPIC_CONFIG_KEYS) {
    const value = defaultOf(k);
    if (value !== null) assert.equal(k.validate?.(value), undefined, k.name);
    for (const s of k.synonyms) assert.ok(brokerConfigKey(s.name), `${k.name} ← ${s.name}`);
  }
});

test('with no overrides, topic values equal Kafka topic defaults', () => {
  const values = effectiveTopicConfig(new Map(), broker());
  for (const k of TOPIC_CONFIG_KEYS) {
    if (k.name === 'flush.ms') continue; // Long.MAX either way, reached through a synonym
    assert.equal(values.get(k.name), k.defaultValue, k.name);
  }
  assert.equal(values.get('retention.ms'), '604800000');
  assert.equal(values.get('segment.ms'), '604800000');
  assert.equal(values.get('flush.ms'), '9223372036854775807');
});

test('retention.ms comes from log.retention.hours, converted; synonyms start at log.retention.ms', () => {
  // Kafka's ConfigHelper drops every synonym before the first one named log.retention.ms, so
  // with only log.retention.hours set the value is converted but reported as DEFAULT_CONFIG
  // with no synonyms, and with nothing set the default log.retention.hours=168 is not listed.
  const entry = describeTopicConfig(
    'retention.ms',
    new Map(),
    broker({ 'log.retention.hours': '1' }),
  )!;
  assert.equal(entry.value, '3600000');
  assert.equal(entry.source, 'DEFAULT_CONFIG');
  assert.deepEqual(entry.synonyms, []);
  const unset = describeTopicConfig('retention.ms', new Map(), broker())!;
  assert.deepEqual(
    [unset.value, unset.source, unset.synonyms],
    ['604800000', 'DEFAULT_CONFIG', []],
  );
  const segmentMs = describeTopicConfig('segment.ms', new Map(), broker())!;
  assert.deepEqual(segmentMs.synonyms, []);
});

test('log.retention.ms set: synonyms from it down, layer by layer, then the defaults', () => {
  const b = broker({ 'log.retention.ms': '5000', 'log.retention.minutes': '7' });
  const entry = describeTopicConfig('retention.ms', new Map(), b)!;
  assert.deepEqual([entry.value, entry.source], ['5000', 'STATIC_BROKER_CONFIG']);
  assert.deepEqual(entry.synonyms, [
    { name: 'log.retention.ms', value: '5000', source: 'STATIC_BROKER_CONFIG' },
    { name: 'log.retention.minutes', value: '7', source: 'STATIC_BROKER_CONFIG' },
    { name: 'log.retention.hours', value: '168', source: 'DEFAULT_CONFIG' },
  ]);
});

test('log.retention.ms outranks minutes and hours; a topic override outranks all', () => {
  const b = broker({ 'log.retention.hours': '1', 'log.retention.ms': '5000' });
  assert.equal(describeTopicConfig('retention.ms', new Map(), b)!.value, '5000');
  const own = describeTopicConfig('retention.ms', new Map([['retention.ms', '42']]), b)!;
  assert.equal(own.value, '42');
  assert.equal(own.source, 'DYNAMIC_TOPIC_CONFIG');
  assert.deepEqual(
    own.synonyms.map((s) => [s.name, s.source]),
    [
      ['retention.ms', 'DYNAMIC_TOPIC_CONFIG'],
      ['log.retention.ms', 'STATIC_BROKER_CONFIG'],
      ['log.retention.hours', 'STATIC_BROKER_CONFIG'],
      ['log.retention.hours', 'DEFAULT_CONFIG'],
    ],
  );
});

test('defaults are reported with their default synonyms', () => {
  const entry = describeTopicConfig('segment.bytes', new Map(), broker())!;
  assert.equal(entry.source, 'DEFAULT_CONFIG');
  assert.deepEqual(entry.synonyms, [
    { name: 'log.segment.bytes', value: '1073741824', source: 'DEFAULT_CONFIG' },
  ]);
});

test('validation names unknown keys and bad values', () => {
  const result = validateTopicConfig(
    new Map([
      ['cleanup.policy', 'compact'],
      ['retention.ms', 'soon'],
      ['colour', 'blue'],
    ]),
  );
  assert.ok('problems' in result);
  assert.deepEqual(
    result.problems.map((p) => p.name),
    ['retention.ms', 'colour'],
  );
  const ok = validateTopicConfig(new Map([['cleanup.policy', 'compact,delete']]));
  assert.ok('values' in ok);
  assert.deepEqual(ok.values.get('cleanup.policy'), ['compact', 'delete']);
});

test('throttled replica lists take * or partition:broker pairs, as Kafka validates them', () => {
  for (const value of ['*', '0:1,1:1', '']) {
    const ok = validateTopicConfig(new Map([['leader.replication.throttled.replicas', value]]));
    assert.ok('values' in ok, value);
  }
  const bad = validateTopicConfig(new Map([['follower.replication.throttled.replicas', '0-1']]));
  assert.ok('problems' in bad);
  assert.match(
    bad.problems[0]!.message,
    /follower\.replication\.throttled\.replicas must be the literal '\*' or a list of replicas/,
  );
});
