// `rivulet streams-application-reset` against a broker and a word-count application: refused
// while the application runs, --dry-run changes nothing, a reset rewinds the input offsets and
// deletes the internal topics so that a restarted application computes everything afresh.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startBroker } from '../../../src/index.js';
import { Admin } from '../../../src/client/index.js';
import { KafkaStreams } from '../../../src/streams/index.js';
import { waitFor } from '../../support/wait.js';
import { createTopics, produce, readTopic } from '../../streams/support/streams-harness.js';
import { wordCount } from '../../streams/topologies.js';
import { runCli } from './run-cli.js';

test('streams-application-reset', { timeout: 120_000 }, async (t) => {
  const broker = await startBroker();
  console.log('STEP 1', Date.now() % 1000000);
  t.after(() => broker.close());
  console.log('STEP 2', Date.now() % 1000000);
  await createTopics(broker.bootstrap, { 'text-input': 2, 'word-counts': 1 });
  console.log('STEP 3', Date.now() % 1000000);
  await produce(broker.bootstrap, [
    { topic: 'text-input', key: Buffer.from('a'), value: Buffer.from('one two'), timestamp: 1 },
    { topic: 'text-input', key: Buffer.from('b'), value: Buffer.from('two'), timestamp: 2 },
  ]);
  console.log('STEP 4', Date.now() % 1000000);
  const config = { applicationId: 'wc', bootstrapServers: broker.bootstrap, commitIntervalMs: 50 };
  console.log('STEP 5', Date.now() % 1000000);
  const streams = new KafkaStreams(wordCount(), config);
  console.log('STEP 6', Date.now() % 1000000);
  await streams.start();
  console.log('STEP 7', Date.now() % 1000000);
  await readTopic(broker.bootstrap, 'word-counts', 3);
  console.log('STEP 8', Date.now() % 1000000);
  const admin = new Admin({ bootstrapServers: broker.bootstrap });
  console.log('STEP 9', Date.now() % 1000000);
  await admin.connect();
  console.log('STEP 10', Date.now() % 1000000);
  t.after(() => admin.close());
  console.log('STEP 11', Date.now() % 1000000);
  await waitFor('offsets to be committed', async () =>
    (await admin.fetchOffsets('wc')).some((o) => o.topic === 'text-input' && o.offset === 2n),
  );
  console.log('STEP 12', Date.now() % 1000000);
  const bs = ['--bootstrap-server', broker.bootstrap, '--application-id', 'wc'];
  console.log('STEP 13', Date.now() % 1000000);
  const active = await runCli(['streams-application-reset', ...bs, '--input-topics', 'text-input']);
  console.log('STEP 14', Date.now() % 1000000);
  assert.equal(active.code, 1);
  console.log('STEP 15', Date.now() % 1000000);
  assert.match(active.stderr, /Consumer group wc is not empty/);
  console.log('STEP 16', Date.now() % 1000000);
  await streams.close();
  console.log('STEP 17', Date.now() % 1000000);

  const dry = await runCli([
    'streams-application-reset',
    ...bs,
    '--input-topics',
    'text-input',
    '--dry-run',
  ]);
  console.log('STEP 18', Date.now() % 1000000);
  assert.equal(dry.code, 0, dry.stderr);
  console.log('STEP 19', Date.now() % 1000000);
  assert.equal(
    dry.stdout,
    [
      'Reset-offsets for input topics [text-input]',
      'Following input topics offsets will be reset to (for consumer group wc)',
      'Topic: text-input Partition: 0 Offset: 0',
      'Topic: text-input Partition: 1 Offset: 0',
      'Done.',
      'Deleting inter-mediate topics [wc-counts-store-changelog, wc-counts-store-repartition]',
      'Topic: wc-counts-store-changelog',
      'Topic: wc-counts-store-repartition',
      'Done.',
      '',
    ].join('\n'),
  );
  console.log('STEP 20', Date.now() % 1000000);
  assert.ok((await admin.listTopics()).includes('wc-counts-store-changelog'));
  console.log('STEP 21', Date.now() % 1000000);
  const committed = await admin.fetchOffsets('wc');
  console.log('STEP 22', Date.now() % 1000000);
  assert.ok(committed.filter((o) => o.topic === 'text-input').some((o) => o.offset > 0n));
  console.log('STEP 23', Date.now() % 1000000);

  const reset = await runCli([
    'streams-application-reset',
    ...bs,
    '--input-topics',
    'text-input',
    '--to-earliest',
  ]);
  console.log('STEP 24', Date.now() % 1000000);
  assert.equal(reset.code, 0, reset.stderr);
  console.log('STEP 25', Date.now() % 1000000);
  await waitFor('internal topics to be deleted', async () =>
    (await admin.listTopics()).every((topic) => !topic.startsWith('wc-')),
  );
  console.log('STEP 26', Date.now() % 1000000);
  for (const o of (await admin.fetchOffsets('wc')).filter((c) => c.topic === 'text-input'))
    assert.equal(o.offset, 0n);

  // Restarted, the application counts from scratch: the same three results again.
  const again = new KafkaStreams(wordCount(), config);
  console.log('STEP 27', Date.now() % 1000000);
  await again.start();
  console.log('STEP 28', Date.now() % 1000000);
  t.after(() => again.close());
  console.log('STEP 29', Date.now() % 1000000);
  const out = await readTopic(broker.bootstrap, 'word-counts', 6);
  console.log('STEP 30', Date.now() % 1000000);
  const counts = (rs: typeof out) => rs.map((r) => `${r.key}=${r.value!.readBigInt64BE()}`).sort();
  console.log('STEP 31', Date.now() % 1000000);
  assert.deepEqual(counts(out.slice(3)), counts(out.slice(0, 3)));
  console.log('STEP 32', Date.now() % 1000000);
  assert.deepEqual(counts(out.slice(0, 3)), ['one=1', 'two=1', 'two=2']);
  console.log('STEP 33', Date.now() % 1000000);

  await again.close();
  const bad = await runCli(['streams-application-reset', ...bs, '--to-latest', '--to-offset', '3']);
  console.log('STEP 34', Date.now() % 1000000);
  assert.equal(bad.code, 2);
  console.log('STEP 35', Date.now() % 1000000);
});
