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

test('retention.ms comes from log.retention.hours, converted, as a static broker config', () => {
  const entry = describeTopicConfig(
    'retention.ms',
    new Map(),
    broker({ 'log.retention.hours': '1' }),
  )!;
  assert.equal(entry.value, '3600000');
  assert.equal(entry.source, 'STATIC_BROKER_CONFIG');
  assert.deepEqual(entry.synonyms, [
    { name: 'log.retention.hours', value: '1', source: 'STATIC_BROKER_CONFIG' },
  ]);
});

test('log.retention.ms outranks minutes and hours; a topic override outranks all', () => {
  const b = broker({ 'log.retention.hours': '1', 'log.retention.ms': '5000' });
  assert.equal(describeTopicConfig('retention.ms', new Map(), b)!.value, '5000');
  const own = describeTopicConfig('retention.ms', new Map([['retention.ms', '42']]), b)!;
  assert.equal(own.value, '42');
  assert.equal(own.source, 'DYNAMIC_TOPIC_CONFIG');
  assert.deepEqual(
    own.synonyms.map((s) => s.name),
    ['retention.ms', 'log.retention.ms', 'log.retention.hours'],
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
