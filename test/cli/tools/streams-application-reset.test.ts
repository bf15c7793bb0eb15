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
  t.after(() => broker.close());
  await createTopics(broker.bootstrap, { 'text-input': 2, 'word-counts': 1 });
  await produce(broker.bootstrap, [
    { topic: 'text-input', key: Buffer.from('a'), value: Buffer.from('one two'), timestamp: 1 },
    { topic: 'text-input', key: Buffer.from('b'), value: Buffer.from('two'), timestamp: 2 },
  ]);
  // No record cache: every update is an output record, as the expected counts list them.
  const config = {
    applicationId: 'wc',
    bootstrapServers: broker.bootstrap,
    commitIntervalMs: 50,
    statestoreCacheMaxBytes: 0,
  };
  const streams = new KafkaStreams(wordCount(), config);
  await streams.start();
  await readTopic(broker.bootstrap, 'word-counts', 3);
  const admin = new Admin({ bootstrapServers: broker.bootstrap });
  await admin.connect();
  t.after(() => admin.close());
  await waitFor('offsets to be committed', async () =>
    (await admin.fetchOffsets('wc')).some((o) => o.topic === 'text-input' && o.offset === 2n),
  );
  const bs = ['--bootstrap-server', broker.bootstrap, '--application-id', 'wc'];
  const active = await runCli(['streams-application-reset', ...bs, '--input-topics', 'text-input']);
  assert.equal(active.code, 1);
  assert.match(active.stderr, /Consumer group wc is not empty/);
  await streams.close();

  const dry = await runCli([
    'streams-application-reset',
    ...bs,
    '--input-topics',
    'text-input',
    '--dry-run',
  ]);
  assert.equal(dry.code, 0, dry.stderr);
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
  assert.ok((await admin.listTopics()).includes('wc-counts-store-changelog'));
  const committed = await admin.fetchOffsets('wc');
  assert.ok(committed.filter((o) => o.topic === 'text-input').some((o) => o.offset > 0n));

  const reset = await runCli([
    'streams-application-reset',
    ...bs,
    '--input-topics',
    'text-input',
    '--to-earliest',
  ]);
  assert.equal(reset.code, 0, reset.stderr);
  await waitFor('internal topics to be deleted', async () =>
    (await admin.listTopics()).every((topic) => !topic.startsWith('wc-')),
  );
  for (const o of (await admin.fetchOffsets('wc')).filter((c) => c.topic === 'text-input'))
    assert.equal(o.offset, 0n);

  // Restarted, the application counts from scratch: the same three results again.
  const again = new KafkaStreams(wordCount(), config);
  await again.start();
  const out = await readTopic(broker.bootstrap, 'word-counts', 6);
  const counts = (rs: typeof out) => rs.map((r) => `${r.key}=${r.value!.readBigInt64BE()}`).sort();
  assert.deepEqual(counts(out.slice(3)), counts(out.slice(0, 3)));
  assert.deepEqual(counts(out.slice(0, 3)), ['one=1', 'two=1', 'two=2']);

  // Closed here, before the broker: after-hooks run in the order they were added.
  await again.close();
  const bad = await runCli(['streams-application-reset', ...bs, '--to-latest', '--to-offset', '3']);
  assert.equal(bad.code, 2);
});
