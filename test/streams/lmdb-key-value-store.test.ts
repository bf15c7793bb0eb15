// The persistent (LMDB) key-value store: the same behaviour as the in-memory one under the test
// driver (get, put, delete, range in key-byte order, changelog), and against a broker a
// restarted application restores it from the changelog and counts on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBroker } from '../../src/index.js';
import {
  Consumed,
  KafkaStreams,
  Produced,
  Serdes,
  StreamsBuilder,
  TopologyTestDriver,
  type Topology,
} from '../../src/streams/index.js';
import { createTopics, produce, readTopic } from './support/streams-harness.js';

const S = Serdes.String();

function counting(): Topology {
  const b = new StreamsBuilder();
  b.stream('events', Consumed.with(S, S))
    .groupByKey()
    .count({ storeName: 'disk-counts', storeType: 'PERSISTENT' })
    .toStream()
    .mapValues((n, k) => `${k}:${n}`)
    .to('counts', Produced.with(S, S));
  return b.build();
}

test('a persistent store under the test driver', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'rivulet-lmdb-'));
  const driver = new TopologyTestDriver(counting(), { stateDir: dir });
  const input = driver.createInputTopic('events', S, S);
  for (const k of ['b', 'a', 'b', 'c', 'b']) input.pipeInput(k, 'x');
  assert.deepEqual(driver.createOutputTopic('counts', S, S).readValuesToList(), [
    'b:1',
    'a:1',
    'b:2',
    'c:1',
    'b:3',
  ]);
  const store = driver.getKeyValueStore<string, number>('disk-counts')!;
  assert.equal(store.persistent, true);
  assert.equal(store.get('b'), 3);
  assert.deepEqual(store.range('a', 'b'), [
    { key: 'a', value: 1 },
    { key: 'b', value: 3 },
  ]);
  assert.equal(store.approximateNumEntries(), 3);
  await driver.close();
  assert.equal(existsSync(join(dir, 'lmdb')), false);
  await rm(dir, { recursive: true, force: true });
});

test(
  'a restarted application restores its persistent store from the changelog',
  { timeout: 120_000 },
  async (t) => {
    const broker = await startBroker();
    t.after(() => broker.close());
    const stateDir = await mkdtemp(join(tmpdir(), 'rivulet-lmdb-'));
    t.after(() => rm(stateDir, { recursive: true, force: true }));
    await createTopics(broker.bootstrap, { events: 1, counts: 1 });
    const config = {
      applicationId: 'disk',
      bootstrapServers: broker.bootstrap,
      commitIntervalMs: 50,
      stateDir,
      // One output per input: no record cache to fold updates of a key together.
      statestoreCacheMaxBytes: 0,
    };
    const ev = (k: string) => ({
      topic: 'events',
      key: Buffer.from(k),
      value: Buffer.from('x'),
      timestamp: 1,
    });
    await produce(broker.bootstrap, [ev('a'), ev('a'), ev('b')]);
    const first = new KafkaStreams(counting(), config);
    await first.start();
    await readTopic(broker.bootstrap, 'counts', 3);
    assert.equal(first.store<string, number>('disk-counts').get('a'), 2);
    assert.ok(existsSync(join(stateDir, 'disk', '0_0', 'lmdb', 'disk-counts')));
    await first.close();
    const second = new KafkaStreams(counting(), config);
    await second.start();
    await produce(broker.bootstrap, [ev('a'), ev('b')]);
    const out = await readTopic(broker.bootstrap, 'counts', 5);
    assert.deepEqual(
      out.map((r) => r.value!.toString()),
      ['a:1', 'a:2', 'b:1', 'a:3', 'b:2'],
    );
    await second.close();
  },
);
