// The persistent (LMDB) key-value store: the same behaviour as the in-memory one under the test
// driver (get, put, delete, range in key-byte order, changelog), and against a broker a
// restarted application restores it from the changelog and counts on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
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
import { waitFor } from '../support/wait.js';
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

/** A logger that keeps what restoration says: `Restored N records of <store> ...`. */
function restoreLog() {
  const restored: number[] = [];
  const logger = {
    info: (message: string, fields?: Record<string, unknown>) => {
      if (message.startsWith('Restored ')) restored.push(fields!['records'] as number);
    },
    warn: () => {},
    error: () => {},
    debug: () => {},
  };
  return { restored, logger };
}

for (const guarantee of ['at_least_once', 'exactly_once_v2'] as const) {
  test(
    `${guarantee}: a checkpoint lets a restart restore only the changelog's tail`,
    { timeout: 120_000 },
    async (t) => {
      const broker = await startBroker({ config: { 'group.initial.rebalance.delay.ms': 0 } });
      t.after(() => broker.close());
      const stateDir = await mkdtemp(join(tmpdir(), 'rivulet-checkpoint-'));
      t.after(() => rm(stateDir, { recursive: true, force: true }));
      await createTopics(broker.bootstrap, { events: 1, counts: 1 });
      const ev = (k: string) => ({
        topic: 'events',
        key: Buffer.from(k),
        value: Buffer.from('x'),
        timestamp: 1,
      });
      const checkpoint = join(stateDir, 'cp', '0_0', '.checkpoint');
      const start = async () => {
        const log = restoreLog();
        const app = new KafkaStreams(counting(), {
          applicationId: 'cp',
          bootstrapServers: broker.bootstrap,
          processingGuarantee: guarantee,
          commitIntervalMs: 50,
          stateDir,
          statestoreCacheMaxBytes: 0,
          logger: log.logger,
        });
        await app.start();
        await waitFor('the task to be restored', () => log.restored.length === 1);
        return { app, restored: log.restored };
      };

      await produce(broker.bootstrap, [ev('a'), ev('a'), ev('b')]);
      const first = await start();
      await readTopic(broker.bootstrap, 'counts', 3, { readCommitted: true });
      if (guarantee === 'exactly_once_v2') {
        // While the task runs its store may hold uncommitted writes: no checkpoint vouches.
        assert.equal(existsSync(checkpoint), false);
      } else {
        await waitFor('a commit to write the checkpoint', () => existsSync(checkpoint));
      }
      await first.app.close();
      const written = readFileSync(checkpoint, 'utf8').split('\n');
      assert.deepEqual(written.slice(0, 2), ['0', '1']);
      assert.match(written[2]!, /^cp-disk-counts-changelog 0 \d+$/);

      const second = await start();
      assert.deepEqual(second.restored, [0], 'nothing to restore past the checkpoint');
      if (guarantee === 'exactly_once_v2') {
        assert.equal(existsSync(checkpoint), false, 'read, then deleted while the task runs');
      }
      await produce(broker.bootstrap, [ev('a'), ev('b')]);
      const out = await readTopic(broker.bootstrap, 'counts', 5, { readCommitted: true });
      assert.deepEqual(
        out.map((r) => r.value!.toString()),
        ['a:1', 'a:2', 'b:1', 'a:3', 'b:2'],
      );
      await second.app.close();

      // Without a checkpoint (as after a crash under exactly-once) the store starts over.
      rmSync(checkpoint);
      const third = await start();
      assert.deepEqual(third.restored, [5]);
      assert.equal(third.app.store<string, number>('disk-counts').get('a'), 3);
      await third.app.close();
    },
  );
}
