import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  applyDynamicBrokerConfigs,
  configSynonyms,
  describeTopicConfig,
  dynamicChangeProblem,
  isDynamicBrokerConfig,
  resolveBrokerConfig,
} from '../../../src/broker/config/index.js';

const broker = (entries: Record<string, string> = {}) =>
  resolveBrokerConfig(new Map(Object.entries(entries))).config!;

test('dynamic layers outrank static ones, and values follow them in place', () => {
  const config = broker({ 'log.segment.bytes': '2000000' });
  const values = config.values;
  const changed = applyDynamicBrokerConfigs(config, {
    perBroker: new Map([['log.segment.bytes', '3000000']]),
    clusterDefault: new Map([
      ['log.segment.bytes', '4000000'],
      ['log.retention.ms', '5000'],
    ]),
  });
  assert.deepEqual(changed.sort(), ['log.retention.ms', 'log.segment.bytes']);
  assert.equal(config.values, values, 'the same object, so every holder sees the change');
  assert.equal(values['log.segment.bytes'], 3000000);
  assert.equal(values['log.retention.ms'], 5000);
  assert.deepEqual(
    configSynonyms(config, 'log.segment.bytes').map((s) => [s.value, s.source]),
    [
      ['3000000', 'DYNAMIC_BROKER_CONFIG'],
      ['4000000', 'DYNAMIC_DEFAULT_BROKER_CONFIG'],
      ['2000000', 'STATIC_BROKER_CONFIG'],
      ['1073741824', 'DEFAULT_CONFIG'],
    ],
  );
  const retention = describeTopicConfig('retention.ms', new Map(), config)!;
  assert.deepEqual([retention.value, retention.source], ['5000', 'DYNAMIC_DEFAULT_BROKER_CONFIG']);
  // Removing the dynamic values goes back to the static one and the default.
  applyDynamicBrokerConfigs(config, { perBroker: new Map(), clusterDefault: new Map() });
  assert.equal(values['log.segment.bytes'], 2000000);
  assert.equal(values['log.retention.ms'], null);
});

test('a dynamic value that does not parse is skipped, as Kafka skips it on replay', () => {
  const config = broker({ 'message.max.bytes': '2000' });
  applyDynamicBrokerConfigs(config, {
    perBroker: new Map([['message.max.bytes', 'lots']]),
    clusterDefault: new Map(),
  });
  assert.equal(config.values['message.max.bytes'], 2000);
});

test("Kafka's dynamic keys are the first broker synonyms of topic configs and thread counts", () => {
  for (const name of ['log.retention.ms', 'log.roll.ms', 'message.max.bytes', 'num.io.threads']) {
    assert.ok(isDynamicBrokerConfig(name), name);
  }
  for (const name of ['log.retention.hours', 'log.dirs', 'num.partitions', 'node.id']) {
    assert.ok(!isDynamicBrokerConfig(name), name);
  }
  const problem = (entries: Record<string, string>) =>
    dynamicChangeProblem(new Map(Object.entries(entries)));
  assert.equal(problem({ 'log.retention.ms': '1000', 'my.plugin.setting': 'x' }), null);
  assert.equal(
    problem({ 'log.retention.hours': '1', 'log.dirs': '/x' }),
    'Cannot update these configs dynamically: Set(log.retention.hours, log.dirs)',
  );
  assert.match(problem({ 'max.connections': '10' })!, /only at start-up.*Set\(max\.connections\)/);
  assert.equal(
    problem({ 'log.segment.bytes': '1' }),
    'Invalid value 1 for configuration log.segment.bytes: must be at least 14',
  );
});
