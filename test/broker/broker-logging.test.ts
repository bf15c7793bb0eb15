// What the broker tells an operator, captured through the logger option: topics created and
// deleted, group rebalances, unknown keys; and `rivulet start`'s log level and format.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import kafkajs from 'kafkajs';
import { memoryLogger, startBroker, type LogRecord } from '../../src/index.js';
import { run } from '../interop/support/clients.js';
import { within } from '../support/wait.js';

const RIVULET = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  '..',
  'bin',
  'rivulet.js',
);

function kafka(bootstrap: string) {
  return new kafkajs.Kafka({
    clientId: 'logging-test',
    brokers: [bootstrap],
    logLevel: kafkajs.logLevel.NOTHING,
    retry: { retries: 10, initialRetryTime: 50 },
  });
}

const info = (records: LogRecord[], logger: string) =>
  records.filter((r) => r.level === 'info' && r.logger === logger).map((r) => r.message);

test('topic creation and deletion are logged at INFO by kafka.controller', async () => {
  const logger = memoryLogger('info');
  const broker = await startBroker({ logger });
  const admin = kafka(broker.bootstrap).admin();
  try {
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'audited', numPartitions: 3 }] });
    const created = logger.records.find((r) => r.message.startsWith('Created topic audited '));
    assert.ok(created, info(logger.records, 'kafka.controller').join('\n'));
    assert.equal(created.level, 'info');
    assert.equal(created.logger, 'kafka.controller');
    assert.equal(created.fields['partitions'], 3);
    await admin.deleteTopics({ topics: ['audited'] });
    assert.ok(
      info(logger.records, 'kafka.controller').some((m) => m.startsWith('Deleted topic audited ')),
    );
    // Nothing at DEBUG reaches a logger at INFO.
    assert.ok(logger.records.every((r) => r.level !== 'debug'));
  } finally {
    await admin.disconnect();
    await broker.close();
  }
});

test('a group rebalance is logged with group, generation and members', async () => {
  const logger = memoryLogger('info');
  const broker = await startBroker({ logger, config: { 'group.initial.rebalance.delay.ms': 0 } });
  const client = kafka(broker.bootstrap);
  const admin = client.admin();
  const consumer = client.consumer({ groupId: 'watched' });
  try {
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'rebalanced' }] });
    const joined = new Promise<void>((resolve) =>
      consumer.on(consumer.events.GROUP_JOIN, () => resolve()),
    );
    await consumer.connect();
    await consumer.subscribe({ topic: 'rebalanced', fromBeginning: true });
    await consumer.run({ eachMessage: async () => {} });
    await joined;
    const group = logger.records.filter((r) => r.logger === 'kafka.coordinator.group');
    const preparing = group.find((r) =>
      r.message.startsWith('Preparing to rebalance group watched'),
    );
    assert.ok(preparing, group.map((r) => r.message).join('\n'));
    const stable = group.find((r) => r.message.startsWith('Stabilized group watched generation 1'));
    assert.ok(stable, group.map((r) => r.message).join('\n'));
    assert.equal(stable.level, 'info');
    assert.deepEqual(stable.fields['group'], 'watched');
    assert.equal(stable.fields['generation'], 1);
    assert.equal((stable.fields['members'] as string[]).length, 1);
  } finally {
    await consumer.disconnect();
    await admin.disconnect();
    await broker.close();
  }
});

test('a producer fenced by a new instance of its transactional id is logged', async () => {
  const logger = memoryLogger('info');
  const broker = await startBroker({ logger });
  const client = kafka(broker.bootstrap);
  const first = client.producer({
    transactionalId: 'fenced-id',
    maxInFlightRequests: 1,
    idempotent: true,
  });
  const second = client.producer({
    transactionalId: 'fenced-id',
    maxInFlightRequests: 1,
    idempotent: true,
  });
  try {
    await first.connect();
    await second.connect();
    // KafkaJS asks for its producer id (InitProducerId) when the first transaction begins.
    await (await first.transaction()).abort();
    await (await second.transaction()).abort();
    const txn = logger.records.filter((r) => r.logger === 'kafka.coordinator.transaction');
    const fencing = txn.find((r) =>
      r.message.startsWith('Fencing producer of transactional id fenced-id'),
    );
    assert.ok(fencing, txn.map((r) => r.message).join('\n'));
    assert.equal(fencing.level, 'info');
    assert.equal(fencing.fields['newEpoch'], 1);
  } finally {
    await first.disconnect();
    await second.disconnect();
    await broker.close();
  }
});

test('unknown keys are a logged warning, or an error with strict', async () => {
  const logger = memoryLogger();
  const broker = await startBroker({ config: { 'no.such.key': 1 }, logger });
  await broker.close();
  const warnings = logger.records.filter((r) => r.level === 'warn').map((r) => r.message);
  assert.deepEqual(warnings, ['no.such.key: unknown configuration key; ignored']);
  await assert.rejects(
    startBroker({ config: { 'no.such.key': 1, 'num.partitions': 2 }, strict: true }),
    /invalid broker configuration:\n {2}no\.such\.key: unknown configuration key/,
  );
});

/** Starts `rivulet start` with `env`, stops it once it is listening, returns its stderr. */
async function startAndStop(args: string[], env: Record<string, string>): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'rivulet-log-'));
  try {
    const { spawn } = await import('node:child_process');
    const child = spawn(
      process.execPath,
      [RIVULET, 'start', '--port', '0', '--data-dir', dir, ...args],
      { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    await within(
      'the listening line',
      new Promise<void>((resolve, reject) => {
        child.stdout.setEncoding('utf8').on('data', (d: string) => {
          if (d.includes('listening on')) resolve();
        });
        void exited.then((code) => reject(new Error(`exited ${code}: ${stderr}`)));
      }),
    );
    child.kill('SIGTERM');
    assert.equal(await exited, 0, stderr);
    return stderr;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('RIVULET_LOG_LEVEL and --log-level set the level; --log-format json', async () => {
  const atInfo = await startAndStop([], {});
  assert.match(
    atInfo,
    /^\[[\d-]+ [\d:,]+\] INFO \[KafkaServer id=1\] started .*\(kafka\.server\)$/m,
  );
  assert.doesNotMatch(atInfo, / DEBUG /);

  const atDebug = await startAndStop([], { RIVULET_LOG_LEVEL: 'debug' });
  assert.match(atDebug, / DEBUG listening on PLAINTEXT:\/\/127\.0\.0\.1:\d+ \(kafka\.network\)$/m);

  // The flag wins over the variable.
  const atWarn = await startAndStop(['--log-level', 'warn'], { RIVULET_LOG_LEVEL: 'debug' });
  assert.equal(atWarn, '');

  const json = await startAndStop(['--log-format', 'json'], {});
  const lines = json
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  const started = lines.find((l) => l['message'] === '[KafkaServer id=1] started');
  assert.ok(started, json);
  assert.equal(started['level'], 'INFO');
  assert.equal(started['logger'], 'kafka.server');

  const bad = await run(process.execPath, [RIVULET, 'start', '--log-level', 'loud'], {
    timeoutMs: 30_000,
  });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--log-level 'loud' is not one of error, warn, info, debug/);
});
