import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeRecordBatch } from '../../../src/protocol/index.js';
import { gzipFlagged } from '../../client/support/corrupt-batch.js';
import { FakeBroker } from '../../client/support/fake-broker.js';
import { runCli } from './run-cli.js';

test('console-producer parses keys and headers; console-consumer prints them back', async (t) => {
  const broker = new FakeBroker();
  await broker.start();
  t.after(() => broker.stop());
  broker.createTopic('t', 2);
  const bs = ['--bootstrap-server', broker.bootstrap];
  const produced = await runCli(
    [
      'console-producer',
      ...bs,
      '--topic',
      't',
      '--property',
      'parse.key=true',
      '--property',
      'key.separator=:',
      '--property',
      'parse.headers=true',
      '--property',
      'headers.delimiter=|',
      '--compression-codec',
      'gzip',
    ],
    {
      input: 'h1=a,h2=b|k1:one\n|k2:two\n|k1:three\n'
        .replace(/=/g, ':')
        .replace('h1:a,h2:b', 'h1:a,h2:b'),
    },
  );
  assert.equal(produced.code, 0, produced.stderr);
  const consumed = await runCli([
    'console-consumer',
    ...bs,
    '--topic',
    't',
    '--from-beginning',
    '--max-messages',
    '3',
    '--property',
    'print.key=true',
    '--property',
    'print.headers=true',
    '--property',
    'print.partition=true',
  ]);
  assert.equal(consumed.code, 0, consumed.stderr);
  const lines = consumed.stdout.trim().split('\n').sort();
  assert.equal(lines.length, 3);
  // Same key, same partition: k1's two records share one.
  const k1 = lines.filter((l) => l.includes('\tk1\t'));
  assert.equal(k1.length, 2);
  assert.equal(new Set(k1.map((l) => l.split('\t')[0])).size, 1);
  assert.ok(
    lines.some((l) => /\th1:a,h2:b\tk1\tone$/.test(l)),
    lines.join('\n'),
  );
  assert.ok(
    lines.some((l) => /\tNO_HEADERS\tk2\ttwo$/.test(l)),
    lines.join('\n'),
  );
  assert.match(consumed.stderr, /Processed a total of 3 messages/);
});

test('console-consumer: --partition/--offset and --timeout-ms', async (t) => {
  const broker = new FakeBroker();
  await broker.start();
  t.after(() => broker.stop());
  broker.createTopic('t', 1);
  const bs = ['--bootstrap-server', broker.bootstrap];
  await runCli(['console-producer', ...bs, '--topic', 't'], { input: 'a\nb\nc\nd\n' });
  const r = await runCli([
    'console-consumer',
    ...bs,
    '--topic',
    't',
    '--partition',
    '0',
    '--offset',
    '2',
    '--timeout-ms',
    '500',
    '--property',
    'print.offset=true',
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'Offset:2\tc\nOffset:3\td\n');
  const bad = await runCli(['console-consumer', ...bs, '--topic', 't', '--offset', '2']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--offset needs --partition/);
});

test('console-consumer --include reads every topic whose whole name matches', async (t) => {
  const broker = new FakeBroker();
  await broker.start();
  t.after(() => broker.stop());
  for (const name of ['logs-a', 'logs-b', 'xlogs-c']) broker.createTopic(name, 1);
  const bs = ['--bootstrap-server', broker.bootstrap];
  for (const name of ['logs-a', 'logs-b', 'xlogs-c']) {
    const p = await runCli(['console-producer', ...bs, '--topic', name], { input: `${name}\n` });
    assert.equal(p.code, 0, p.stderr);
  }
  const r = await runCli([
    'console-consumer',
    ...bs,
    '--include',
    'logs-.*',
    '--from-beginning',
    '--timeout-ms',
    '500',
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(r.stdout.trim().split('\n').sort(), ['logs-a', 'logs-b']);
  const both = await runCli(['console-consumer', ...bs, '--include', 'x', '--topic', 'x']);
  assert.equal(both.code, 2);
  assert.match(both.stderr, /exactly one of --topic and --include/);
});

test('console-consumer reports a corrupt batch with its partition and offset and fails', async (t) => {
  const broker = new FakeBroker();
  await broker.start();
  t.after(() => broker.stop());
  broker.createTopic('t', 1);
  broker.appendRaw('t', 0, await encodeRecordBatch([{ value: Buffer.from('good') }]));
  broker.appendRaw('t', 0, await gzipFlagged(['bad']));
  const consumed = await runCli([
    'console-consumer',
    '--bootstrap-server',
    broker.bootstrap,
    '--topic',
    't',
    '--from-beginning',
    '--timeout-ms',
    '10000',
  ]);
  assert.equal(consumed.stdout, 'good\n');
  assert.equal(consumed.code, 1, consumed.stderr);
  assert.match(consumed.stderr, /corrupt record batch in t-0 at offset 1/);
  assert.match(consumed.stderr, /Processed a total of 1 messages/);
});
