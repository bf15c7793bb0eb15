// Cooperative rebalancing (KIP-429, as Kafka Streams does it): when a second instance joins,
// the first gives up only the tasks that move; the tasks it keeps are never closed, so they
// are never restored again, and no count is lost or doubled across the hand-over.
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

/** Tasks in the order their stores were restored (each restoration logs once per store). */
function restoreLog() {
  const tasks: string[] = [];
  const logger = {
    info: (message: string, fields?: Record<string, unknown>) => {
      if (message.startsWith('Restored ')) tasks.push(fields!['task'] as string);
    },
    warn: () => {},
    error: () => {},
    debug: () => {},
  };
  return { tasks, logger };
}

test(
  'a joining instance takes only the tasks that move; the others keep running',
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
    const logs = [restoreLog(), restoreLog()];
    const apps = logs.map(
      (log) =>
        new KafkaStreams(counting(), {
          applicationId: 'coop',
          bootstrapServers: broker.bootstrap,
          commitIntervalMs: 100,
          logger: log.logger,
        }),
    );
    open.push(...apps);
    const producer = new Producer({ bootstrapServers: broker.bootstrap });
    await producer.connect();
    open.push(producer);
    const sendRound = () =>
      Promise.all(KEYS.map((key) => producer.send({ topic: 'events', key, value: 'x' })));
    const count = (key: string) =>
      apps.reduce((n, a) => n + (a.store<string, number>('event-counts').get(key) ?? 0), 0);

    await apps[0]!.start();
    await waitFor(
      'the first instance to run all four tasks',
      () => apps[0]!.localTaskIds().length === 4,
    );
    for (let i = 0; i < 5; i++) await sendRound();
    await waitFor('five of each key to be counted', () => KEYS.every((k) => count(k) === 5));

    await apps[1]!.start();
    await waitFor('the instances to run two tasks each', () =>
      apps.every((a) => a.localTaskIds().length === 2 && a.state === 'RUNNING'),
    );
    const kept = apps[0]!.localTaskIds();
    // The first instance restored each of its four tasks once, when it first got them: the two
    // it kept were not closed and reopened by the rebalance.
    assert.deepEqual([...logs[0]!.tasks].sort(), ['0_0', '0_1', '0_2', '0_3']);
    assert.deepEqual([...logs[1]!.tasks].sort(), apps[1]!.localTaskIds());
    assert.deepEqual([...kept, ...apps[1]!.localTaskIds()].sort(), ['0_0', '0_1', '0_2', '0_3']);

    for (let i = 0; i < 5; i++) await sendRound();
    await waitFor('ten of each key to be counted', () => KEYS.every((k) => count(k) === 10));
  },
);
