// Interactive-query routing: two instances with application.server each learn, through the
// group assignment, which instance runs which partitions, and name the instance whose store
// holds a key — the one where the key's count actually is.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startBroker } from '../../src/index.js';
import { Producer } from '../../src/client/index.js';
import {
  Consumed,
  KafkaStreams,
  Produced,
  Serdes,
  StreamsBuilder,
  type Topology,
} from '../../src/streams/index.js';
import { waitFor } from '../support/wait.js';
import { createTopics } from './support/streams-harness.js';

const S = Serdes.String();

function counting(): Topology {
  const b = new StreamsBuilder();
  b.stream('events', Consumed.with(S, S))
    .groupByKey()
    .count({ storeName: 'event-counts' })
    .toStream()
    .to('counts', Produced.with(S, Serdes.Long()));
  return b.build();
}

test(
  'queryMetadataForKey names the instance whose store holds the key',
  { timeout: 120_000 },
  async (t) => {
    // One hook closes everything, newest first: producer, instances, then the broker.
    const open: { close(): unknown }[] = [];
    t.after(async () => {
      for (const o of open.reverse()) await o.close();
    });
    const broker = await startBroker({ config: { 'group.initial.rebalance.delay.ms': 0 } });
    open.push(broker);
    await createTopics(broker.bootstrap, { events: 4, counts: 1 });
    const apps = [7001, 7002].map(
      (port) =>
        new KafkaStreams(counting(), {
          applicationId: 'routing',
          bootstrapServers: broker.bootstrap,
          commitIntervalMs: 100,
          applicationServer: `localhost:${port}`,
        }),
    );
    open.push(...apps);
    for (const app of apps) await app.start();
    await waitFor('each instance to run two tasks and to know both hosts', () =>
      apps.every(
        (a) =>
          a.state === 'RUNNING' &&
          a.localTaskIds().length === 2 &&
          a.metadataForAllStreamsClients().length === 2,
      ),
    );
    for (const app of apps) {
      const all = app.metadataForAllStreamsClients();
      assert.deepEqual(all.map((m) => m.hostInfo.port).sort(), [7001, 7002]);
      assert.deepEqual(
        all.flatMap((m) => m.topicPartitions.map((tp) => `${tp.topic}-${tp.partition}`)).sort(),
        ['events-0', 'events-1', 'events-2', 'events-3'],
      );
      for (const m of all) assert.deepEqual(m.stateStoreNames, ['event-counts']);
      assert.equal(app.streamsMetadataForStore('event-counts').length, 2);
      assert.deepEqual(app.streamsMetadataForStore('no-such-store'), []);
    }

    const producer = new Producer({ bootstrapServers: broker.bootstrap });
    await producer.connect();
    open.push(producer);
    const keys = Array.from({ length: 12 }, (_, i) => `key-${i}`);
    const partitionOf = new Map<string, number>();
    for (const key of keys) {
      const meta = await producer.send({ topic: 'events', key, value: 'x' });
      partitionOf.set(key, meta.partition);
    }
    const holder = (key: string) =>
      apps.findIndex((a) => a.store<string, number>('event-counts').get(key) === 1);
    await waitFor('every key to be counted', () => keys.every((k) => holder(k) >= 0));
    for (const key of keys) {
      const answers = apps.map((a) => a.queryMetadataForKey('event-counts', key, S));
      assert.deepEqual(answers[0], answers[1], `both instances agree on ${key}`);
      assert.equal(answers[0]!.partition, partitionOf.get(key), `partition of ${key}`);
      assert.equal(answers[0]!.activeHost.port, 7001 + holder(key), `host of ${key}`);
      assert.deepEqual(answers[0]!.standbyHosts, []);
    }
  },
);
