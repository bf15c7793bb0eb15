// Partition reassignment and leader election on three brokers in this process (real TCP, one
// shared metadata log; each broker answers the controller APIs, as a single node does): a
// replication-factor-2 partition moves from its replicas to the other broker and one of them
// through AlterPartitionReassignments, with the record flow of KRaft (adding/removing
// replicas, the new replica catching up through the replica fetcher, completion by the ISR
// change); every record written before and during the move is on the new replicas, the
// removed replica's log is gone; a cancel reverts; a preferred election moves the leadership
// back; the follower throttle holds a new replica's catch-up to its rate.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import kafkajs from 'kafkajs';
import { Admin } from '../../../src/client/index.js';
import { ErrorCode } from '../../../src/protocol/index.js';
import { ProtocolClient } from '../../support/protocol-client.js';
import { waitFor } from '../../support/wait.js';
import { valuesOf } from '../handlers/data-helpers.js';
import {
  startInProcessCluster,
  type InProcessCluster,
} from '../partition/support/in-process-cluster.js';

const FAST = {
  'replica.lag.time.max.ms': 5000,
  'replica.fetch.wait.max.ms': 100,
  'replica.fetch.backoff.ms': 100,
  'offsets.topic.replication.factor': 1,
  'transaction.state.log.replication.factor': 1,
  'transaction.state.log.min.isr': 1,
  'auto.leader.rebalance.enable': false,
};

let cluster: InProcessCluster;
let admin: Admin;
before(async () => {
  cluster = await startInProcessCluster(3, FAST);
  admin = new Admin({ bootstrapServers: cluster.bootstrap() });
  await admin.connect();
});
after(async () => {
  admin?.close();
  await cluster?.close();
});

async function produce(topic: string, values: readonly string[]): Promise<void> {
  const kafka = new kafkajs.Kafka({
    brokers: cluster.bootstrap().split(','),
    logLevel: kafkajs.logLevel.NOTHING,
  });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    for (let i = 0; i < values.length; i += 50) {
      await producer.send({
        topic,
        acks: -1,
        messages: values.slice(i, i + 50).map((value) => ({ value, partition: 0 })),
      });
    }
  } finally {
    await producer.disconnect();
  }
}

async function createTopic(name: string, configs: Record<string, string> = {}) {
  const [r] = await admin.createTopics([{ name, numPartitions: 1, replicationFactor: 2, configs }]);
  assert.equal(r!.errorCode, 0);
  await waitFor('the topic in the image', () => cluster.observer.image.topic(name) !== undefined);
  const p = cluster.partition(name, 0);
  await waitFor('both replicas in sync', () => cluster.partition(name, 0).isr.length === 2);
  const other = [1, 2, 3].find((id) => !p.replicas.includes(id))!;
  return { replicas: [...p.replicas], other };
}

test('a reassignment moves a partition to new replicas with every record, and removes the old replica', async () => {
  const { replicas, other } = await createTopic('moving');
  const before = Array.from({ length: 300 }, (_, i) => `before-${i}`);
  await produce('moving', before);
  // The current leader leaves; the follower stays and the third broker joins.
  const leaving = cluster.partition('moving', 0).leader;
  const staying = replicas.find((id) => id !== leaving)!;
  const target = [staying, other];
  const results = await admin.alterPartitionReassignments([
    { topic: 'moving', partition: 0, replicas: target },
  ]);
  assert.deepEqual(results, [{ topic: 'moving', partition: 0, errorCode: 0, errorMessage: null }]);
  // More records while it moves.
  const during = Array.from({ length: 200 }, (_, i) => `during-${i}`);
  await produce('moving', during);
  await waitFor('the reassignment completed', () => {
    const p = cluster.partition('moving', 0);
    return p.addingReplicas === undefined && p.replicas.join() === target.join();
  });
  const p = cluster.partition('moving', 0);
  assert.deepEqual([...p.isr].sort(), [...target].sort());
  assert.ok(target.includes(p.leader), `the leader ${p.leader} is a target replica`);
  assert.deepEqual(await admin.listPartitionReassignments(), []);
  await waitFor('the new replica has every record', async () => {
    const values = valuesOf(await cluster.logBytes(other, 'moving', 0));
    return values.length === before.length + during.length;
  });
  assert.deepEqual(valuesOf(await cluster.logBytes(other, 'moving', 0)), [...before, ...during]);
  await waitFor(
    'the removed replica deleted its log',
    () => !existsSync(join(cluster.dirs.get(leaving)!, 'moving-0')),
  );
  // Produce still works, with the new leader.
  await produce('moving', ['after']);
  await waitFor('the last record on both replicas', async () => {
    const logs = await Promise.all(target.map((id) => cluster.logBytes(id, 'moving', 0)));
    return logs.every((l) => valuesOf(l).at(-1) === 'after');
  });
});

test('invalid reassignments get Kafka error codes; a cancel reverts to the original replicas', async () => {
  const { replicas, other } = await createTopic('cancelled', {
    // Keeps the new replica from catching up while the test cancels.
    'follower.replication.throttled.replicas': '*',
  });
  const check = async (target: number[] | null) =>
    (
      await admin.alterPartitionReassignments([
        { topic: 'cancelled', partition: 0, replicas: target },
      ])
    )[0]!.errorCode;
  assert.equal(await check([1, 1]), ErrorCode.INVALID_REPLICA_ASSIGNMENT);
  assert.equal(await check([1, 9]), ErrorCode.INVALID_REPLICA_ASSIGNMENT);
  assert.equal(await check([]), ErrorCode.INVALID_REPLICA_ASSIGNMENT);
  assert.equal(await check(null), ErrorCode.NO_REASSIGNMENT_IN_PROGRESS);
  const [unknown] = await admin.alterPartitionReassignments([
    { topic: 'no-such-topic', partition: 0, replicas: [1] },
  ]);
  assert.equal(unknown!.errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  // A 1 B/s follower throttle on the new replica: it cannot catch up 200 records in this test.
  await admin.alterConfigs({ type: 'broker', name: String(other) }, [
    { op: 'set', name: 'follower.replication.throttled.rate', value: '1' },
  ]);
  await produce(
    'cancelled',
    Array.from({ length: 200 }, (_, i) => `r${i}`),
  );
  assert.equal(await check([replicas[0]!, other]), 0);
  const listed = await admin.listPartitionReassignments();
  assert.equal(listed.length, 1);
  assert.deepEqual(listed[0]!.addingReplicas, [other]);
  assert.deepEqual(listed[0]!.replicas, [replicas[0]!, other, replicas[1]!]);
  assert.equal(await check(null), 0);
  const p = cluster.partition('cancelled', 0);
  assert.deepEqual(p.replicas, replicas);
  assert.equal(p.addingReplicas, undefined);
  assert.deepEqual(await admin.listPartitionReassignments(), []);
  await waitFor(
    'the cancelled replica removed its log',
    () => !existsSync(join(cluster.dirs.get(other)!, 'cancelled-0')),
  );
  await admin.alterConfigs({ type: 'broker', name: String(other) }, [
    { op: 'delete', name: 'follower.replication.throttled.rate' },
  ]);
});

test('a preferred election moves the leadership back to the first replica', async () => {
  const { replicas } = await createTopic('preferred');
  const [preferred, second] = replicas as [number, number];
  assert.equal(cluster.partition('preferred', 0).leader, preferred);
  const none = await admin.electLeaders('PREFERRED', [{ topic: 'preferred', partition: 0 }]);
  assert.equal(none[0]!.errorCode, ErrorCode.ELECTION_NOT_NEEDED);
  await cluster.changePartition('preferred', 0, { leader: second });
  const unclean = await admin.electLeaders('UNCLEAN', [{ topic: 'preferred', partition: 0 }]);
  assert.equal(unclean[0]!.errorCode, ErrorCode.ELECTION_NOT_NEEDED);
  const all = await admin.electLeaders('PREFERRED', null);
  assert.deepEqual(all, [{ topic: 'preferred', partition: 0, errorCode: 0, errorMessage: null }]);
  assert.equal(cluster.partition('preferred', 0).leader, preferred);
  const missing = await admin.electLeaders('PREFERRED', [{ topic: 'preferred', partition: 7 }]);
  assert.equal(missing[0]!.errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
});

test('a follower throttle holds a new replica to its rate while it catches up', async () => {
  const { replicas, other } = await createTopic('throttled');
  await admin.alterConfigs({ type: 'topic', name: 'throttled' }, [
    { op: 'set', name: 'follower.replication.throttled.replicas', value: `0:${other}` },
  ]);
  const value = 'x'.repeat(1000);
  await produce(
    'throttled',
    Array.from({ length: 400 }, () => value),
  );
  const bytes = (await cluster.logBytes(replicas[0]!, 'throttled', 0)).length;
  const rate = 100_000;
  await admin.alterConfigs({ type: 'broker', name: String(other) }, [
    { op: 'set', name: 'follower.replication.throttled.rate', value: String(rate) },
  ]);
  const started = performance.now();
  const [r] = await admin.alterPartitionReassignments([
    { topic: 'throttled', partition: 0, replicas: [replicas[0]!, other] },
  ]);
  assert.equal(r!.errorCode, 0);
  await waitFor(
    'the throttled reassignment completed',
    () => cluster.partition('throttled', 0).addingReplicas === undefined,
    { timeoutMs: 60_000 },
  );
  const seconds = (performance.now() - started) / 1000;
  // A lower bound only (a slow machine cannot break it): the bucket starts with one second of
  // the rate and one batch may pass it, so copying `bytes` takes at least the rest at the rate.
  const floor = (bytes - 2 * rate - 60_000) / rate;
  assert.ok(bytes > 3 * rate, `${bytes} bytes to copy`);
  assert.ok(seconds >= floor, `caught up ${bytes} bytes in ${seconds} s, under ${floor} s`);
  await admin.alterConfigs({ type: 'broker', name: String(other) }, [
    { op: 'delete', name: 'follower.replication.throttled.rate' },
  ]);
});

test('KafkaJS starts and lists a reassignment (AlterPartitionReassignments / ListPartitionReassignments)', async () => {
  const { replicas, other } = await createTopic('kafkajs-moved', {
    'follower.replication.throttled.replicas': '*',
  });
  // A 1 B/s follower throttle on the new replica keeps the reassignment in progress.
  await admin.alterConfigs({ type: 'broker', name: String(other) }, [
    { op: 'set', name: 'follower.replication.throttled.rate', value: '1' },
  ]);
  await produce(
    'kafkajs-moved',
    Array.from({ length: 200 }, (_, i) => `k${i}`),
  );
  const kafka = new kafkajs.Kafka({
    brokers: cluster.bootstrap().split(','),
    logLevel: kafkajs.logLevel.NOTHING,
  });
  const kadmin = kafka.admin();
  await kadmin.connect();
  try {
    const target = [other, replicas[1]!];
    await kadmin.alterPartitionReassignments({
      topics: [
        { topic: 'kafkajs-moved', partitionAssignment: [{ partition: 0, replicas: target }] },
      ],
    });
    const listed = await kadmin.listPartitionReassignments({
      topics: [{ topic: 'kafkajs-moved', partitions: [0] }],
    });
    // KafkaJS's answer: topics carry `name` and partitions `partition` (its typings say otherwise).
    assert.deepEqual(listed.topics, [
      {
        name: 'kafkajs-moved',
        partitions: [
          {
            partition: 0,
            replicas: [other, replicas[1]!, replicas[0]!],
            addingReplicas: [other],
            removingReplicas: [replicas[0]!],
          },
        ],
      },
    ]);
    // Lifting the throttle lets the new replica catch up and the reassignment complete.
    await admin.alterConfigs({ type: 'broker', name: String(other) }, [
      { op: 'delete', name: 'follower.replication.throttled.rate' },
    ]);
    await waitFor('the reassignment completed', async () => {
      const now = await kadmin.listPartitionReassignments({});
      return now.topics.length === 0;
    });
    assert.deepEqual(cluster.partition('kafkajs-moved', 0).replicas, target);
  } finally {
    await kadmin.disconnect();
  }
});

test('ElectLeaders v0 (no top-level error code) answers per partition', async () => {
  const client = await ProtocolClient.connect(cluster.brokers.get(1)!.port);
  try {
    const res = await client.request(43, 0, {
      electionType: 0,
      topicPartitions: [{ topic: 'preferred', partitions: [0, 9] }],
      timeoutMs: 5000,
    });
    assert.deepEqual(
      res.replicaElectionResults[0].partitionResult.map((r: { errorCode: number }) => r.errorCode),
      [ErrorCode.ELECTION_NOT_NEEDED, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION],
    );
  } finally {
    client.close();
  }
});
