// Standby replicas (num.standby.replicas=1): each of two instances keeps a copy of the other's
// stateful task from its changelog; when one instance leaves, the other promotes its standby
// and has nothing left to restore, and counting goes on from the right values.
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
const KEYS = Array.from({ length: 8 }, (_, i) => `k${i}`);

function counting(): Topology {
  const b = new StreamsBuilder();
  b.stream('events', Consumed.with(S, S))
    .groupByKey()
    .count({ storeName: 'event-counts' })
    .toStream()
    .to('counts', Produced.with(S, Serdes.Long()));
  return b.build();
}

test('a standby replica takes over with nothing to restore', { timeout: 120_000 }, async (t) => {
  // One hook closes everything, newest first: producer, instances, then the broker.
  const open: { close(): unknown }[] = [];
  t.after(async () => {
    for (const o of open.reverse()) await o.close();
  });
  const broker = await startBroker({ config: { 'group.initial.rebalance.delay.ms': 0 } });
  open.push(broker);
  await createTopics(broker.bootstrap, { events: 2, counts: 1 });
  const restored: { task: string; records: number }[][] = [[], []];
  const apps = restored.map(
    (log, i) =>
      new KafkaStreams(counting(), {
        applicationServer: `localhost:${7001 + i}`,
        applicationId: 'standby',
        bootstrapServers: broker.bootstrap,
        commitIntervalMs: 100,
        numStandbyReplicas: 1,
        logger: {
          info: (message, fields) => {
            if (message.startsWith('Restored '))
              log.push({ task: fields!['task'] as string, records: fields!['records'] as number });
          },
          warn: () => {},
          error: () => {},
          debug: () => {},
        },
      }),
  );
  open.push(...apps);
  const producer = new Producer({ bootstrapServers: broker.bootstrap });
  await producer.connect();
  open.push(producer);
  for (const app of apps) await app.start();
  await waitFor('each instance to run one task and keep the other as a standby', () =>
    apps.every(
      (a) =>
        a.state === 'RUNNING' &&
        a.localTaskIds().length === 1 &&
        a.standbyTaskIds().length === 1 &&
        a.standbyTaskIds()[0] !== a.localTaskIds()[0],
    ),
  );
  for (let round = 0; round < 5; round++)
    await Promise.all(KEYS.map((key) => producer.send({ topic: 'events', key, value: 'x' })));
  // Every key is counted by its active task, and each instance's stale view (active and
  // standby stores) has caught up with all of them.
  for (const app of apps) {
    const all = app.store<string, number>('event-counts', { enableStaleStores: true });
    await waitFor('the standby to catch up', () => KEYS.every((k) => all.get(k) === 5));
  }
  // Query routing names the standby's host next to the active one.
  for (const key of KEYS) {
    const meta = apps[0]!.queryMetadataForKey('event-counts', key, S);
    const active = apps.findIndex((a) => a.localTaskIds().includes(`0_${meta.partition}`));
    assert.deepEqual(meta.activeHost, { host: 'localhost', port: 7001 + active });
    assert.deepEqual(meta.standbyHosts, [{ host: 'localhost', port: 7002 - active }]);
  }
  const survivor = apps[0]!;
  const moved = apps[1]!.localTaskIds()[0]!;
  await apps[1]!.close();
  await waitFor('the survivor to take over the moved task', () =>
    restored[0]!.some((r) => r.task === moved),
  );
  assert.equal(survivor.localTaskIds().length, 2);
  assert.deepEqual(
    restored[0]!.filter((r) => r.task === moved),
    [{ task: moved, records: 0 }],
    'the promoted standby had the whole changelog already',
  );
  await Promise.all(KEYS.map((key) => producer.send({ topic: 'events', key, value: 'x' })));
  const counts = survivor.store<string, number>('event-counts');
  await waitFor('the sixth of each key to be counted', () =>
    KEYS.every((k) => counts.get(k) === 6),
  );
});
