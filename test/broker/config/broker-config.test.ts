import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  BROKER_CONFIG_KEYS,
  defaultOf,
  parseProperties,
  resolveBrokerConfig,
} from '../../../src/broker/config/index.js';

// Fixtures are read from the source tree (dist/test/broker/config → test/fixtures/config).
const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../../../../test/fixtures/config');

const resolve = (entries: Record<string, string>) =>
  resolveBrokerConfig(new Map(Object.entries(entries)));

test('defaults follow Kafka', () => {
  const { config, warnings, errors } = resolve({});
  assert.deepEqual([warnings, errors], [[], []]);
  const v = config!.values;
  assert.equal(v['socket.request.max.bytes'], 104857600);
  assert.equal(v['connections.max.idle.ms'], 600000);
  assert.equal(v['message.max.bytes'], 1048588);
  assert.equal(v['log.segment.bytes'], 1073741824);
  assert.equal(v['log.retention.hours'], 168);
  assert.equal(v['log.retention.ms'], null);
  assert.equal(v['offsets.topic.num.partitions'], 50);
  assert.equal(v['group.initial.rebalance.delay.ms'], 3000);
  assert.equal(v['log.message.timestamp.after.max.ms'], 3600000);
  assert.equal(v['log.flush.interval.messages'], Number.MAX_SAFE_INTEGER);
  assert.deepEqual(v['log.cleanup.policy'], ['delete']);
  assert.equal(config!.nodeId, 1);
  assert.deepEqual(config!.listeners, [
    { name: 'PLAINTEXT', host: '127.0.0.1', port: 9092, securityProtocol: 'PLAINTEXT' },
  ]);
  assert.equal(config!.advertisedListeners, null);
  assert.deepEqual(config!.logDirs, ['./rivulet-data']);
});

test('every default parses and passes its own validator', () => {
  for (const k of BROKER_CONFIG_KEYS) {
    const value = defaultOf(k);
    if (value !== null) assert.equal(k.validate?.(value), undefined, k.name);
  }
});

test('values are parsed by type, log.dirs wins over log.dir', () => {
  const { config } = resolve({
    'num.partitions': '3',
    'auto.create.topics.enable': 'FALSE',
    'log.dirs': '/a, /b',
    'log.dir': '/c',
    'log.cleaner.min.cleanable.ratio': '0.25',
    listeners: 'PLAINTEXT://:0',
    'advertised.listeners': 'PLAINTEXT://example.com:9092',
  });
  const v = config!.values;
  assert.equal(v['num.partitions'], 3);
  assert.equal(v['auto.create.topics.enable'], false);
  assert.equal(v['log.cleaner.min.cleanable.ratio'], 0.25);
  assert.deepEqual(config!.logDirs, ['/a', '/b']);
  assert.deepEqual(config!.listeners, [
    { name: 'PLAINTEXT', host: '', port: 0, securityProtocol: 'PLAINTEXT' },
  ]);
  assert.equal(config!.advertisedListeners![0]!.host, 'example.com');
  assert.equal(config!.explicit.get('num.partitions'), '3');
});

test('unknown keys are a warning each; unsupported keys are named in one warning', () => {
  const { config, warnings, unknown } = resolve({
    'no.such.key': '1',
    'num.network.threads': '8',
    'sasl.kerberos.service.name': 'kafka',
  });
  assert.ok(config !== null);
  assert.deepEqual(unknown, ['no.such.key']);
  assert.deepEqual(warnings, [
    'no.such.key: unknown configuration key; ignored',
    'recognised but not supported by Rivulet; ignored: num.network.threads, sasl.kerberos.service.name',
  ]);
});

test('a stock KRaft server.properties resolves with one warning', () => {
  const text = readFileSync(join(FIXTURES, 'kraft-server.properties'), 'utf8');
  const { config, warnings, errors } = resolveBrokerConfig(parseProperties(text));
  assert.deepEqual(errors, []);
  assert.equal(warnings.length, 1, warnings.join('\n'));
  for (const name of ['process.roles', 'controller.quorum.voters', 'listener CONTROLLER']) {
    assert.ok(warnings[0]!.includes(name), name);
  }
  // The controller listener is neither bound nor advertised.
  assert.deepEqual(config!.listeners, [
    { name: 'PLAINTEXT', host: '', port: 9092, securityProtocol: 'PLAINTEXT' },
  ]);
  assert.deepEqual(config!.advertisedListeners, [
    { name: 'PLAINTEXT', host: 'localhost', port: 9092 },
  ]);
  assert.deepEqual(config!.logDirs, ['/tmp/kraft-combined-logs']);
});

test('named listeners are served with their mapped protocol; unmapped ones are refused', () => {
  const text = readFileSync(join(FIXTURES, 'docker-listeners.properties'), 'utf8');
  const { config, errors } = resolveBrokerConfig(parseProperties(text));
  assert.deepEqual(errors, []);
  assert.deepEqual(
    config!.listeners.map((l) => `${l.name}:${l.port}`),
    ['INTERNAL:29092', 'EXTERNAL:9094'],
  );
  const refused = resolve({
    listeners: 'PLAINTEXT://:9092,SECURE://:9093,OTHER://:9095',
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,SECURE:SSL',
  });
  assert.equal(refused.config, null);
  assert.deepEqual(refused.errors, [
    'listeners: OTHER has no entry in listener.security.protocol.map',
  ]);
  const onlyController = resolve({
    listeners: 'CONTROLLER://:9093',
    'controller.listener.names': 'CONTROLLER',
    'listener.security.protocol.map': 'CONTROLLER:PLAINTEXT',
  });
  assert.deepEqual(onlyController.errors, ['listeners: no listener left to serve clients']);
});

test('invalid values are errors naming the key', () => {
  const { config, errors } = resolve({
    'num.partitions': '0',
    'message.max.bytes': 'big',
    'auto.create.topics.enable': 'yes',
    'log.cleanup.policy': 'delete,shred',
    'max.connections': '99999999999',
    listeners: 'localhost:9092',
    'broker.id': '7',
  });
  assert.equal(config, null);
  const text = errors.join('\n');
  for (const name of [
    'num.partitions',
    'message.max.bytes',
    'auto.create.topics.enable',
    'log.cleanup.policy',
    'max.connections',
    'listeners',
    'broker.id',
  ]) {
    assert.match(text, new RegExp(`^${name.replace(/\./g, '\\.')}`, 'm'), name);
  }
});

test('queued.max.request.bytes below socket.request.max.bytes is an error, as in Kafka', () => {
  const low = resolve({ 'queued.max.request.bytes': '1048576' });
  assert.equal(low.config, null);
  assert.match(low.errors.join('\n'), /^queued\.max\.request\.bytes=1048576: must be at least/m);
  assert.ok(resolve({ 'queued.max.request.bytes': '-1' }).config !== null, '-1 is unbounded');
  // The default is not explicit, so a larger socket.request.max.bytes is no error.
  assert.ok(resolve({ 'socket.request.max.bytes': '536870912' }).config !== null);
});

test('max.connections.per.ip.overrides takes address:limit pairs of IP addresses', () => {
  const ok = resolve({ 'max.connections.per.ip.overrides': '127.0.0.1:5, ::1:7,[fe80::1]:2' });
  assert.deepEqual(ok.errors, []);
  for (const bad of ['127.0.0.1', 'localhost:5', '127.0.0.1:many']) {
    const r = resolve({ 'max.connections.per.ip.overrides': bad });
    assert.equal(r.config, null, bad);
    assert.match(r.errors[0]!, /^max\.connections\.per\.ip\.overrides=/);
  }
});
