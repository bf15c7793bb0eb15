// Replication between brokers: three brokers in this process, real TCP between them, one
// shared in-memory metadata log. Followers fetch from the leader with the Fetch API, the
// leader's high watermark follows the ISR, acks=all waits for it, the ISR shrinks when a
// follower stops and grows when it catches up again (AlterPartition, applied on replay), a
// returning replica truncates exactly its divergent suffix (OffsetForLeaderEpoch), and a
// leader change keeps every acknowledged record and the producers' sequences.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import kafkajs from 'kafkajs';
import assert from 'node:assert/strict';
import { Admin } from '../../../src/client/index.js';
import { ErrorCode } from '../../../src/protocol/index.js';
import { confluent } from '../../interop/support/clients.js';
import { ProtocolClient } from '../../support/protocol-client.js';
import { waitFor } from '../../support/wait.js';
import { batch, fetchBody, produceBody, valuesOf } from '../handlers/data-helpers.js';
import { startInProcessCluster, type InProcessCluster } from './support/in-process-cluster.js';

const FAST = {
  // Short enough that a stopped follower leaves the ISR within the test, long enough that a
  // live one (fetching every 100 ms at most) does not on a loaded machine.
  'replica.lag.time.max.ms': 2500,
  'replica.fetch.wait.max.ms': 100,
  'replica.fetch.backoff.ms': 100,
  'offsets.topic.replication.factor': 1,
  'transaction.state.log.replication.factor': 1,
  'transaction.state.log.min.isr': 1,
};

interface ProduceReport {
  reports: { error: string | null; offset: number; partition: number }[];
  unflushed: number;
}

async function createReplicatedTopic(
  cluster: InProcessCluster,
  name: string,
  minIsr: number,
): Promise<void> {
  const admin = new Admin({ bootstrapServers: cluster.bootstrap() });
  await admin.connect();
  try {
    await admin.createTopics([
      {
        name,
        numPartitions: 1,
        replicationFactor: 3,
        configs: { 'min.insync.replicas': String(minIsr) },
      },
    ]);
  } finally {
    await admin.close();
  }
  await waitFor('the topic in the image', () => cluster.observer.image.topic(name) !== undefined);
}

async function rawClient(cluster: InProcessCluster, nodeId: number): Promise<ProtocolClient> {
  return ProtocolClient.connect(cluster.brokers.get(nodeId)!.port);
}

function produceError(response: {
  responses: { partitionResponses: { errorCode: number; baseOffset: bigint }[] }[];
}): { errorCode: number; baseOffset: bigint } {
  return response.responses[0]!.partitionResponses[0]!;
}

async function identicalLogs(cluster: InProcessCluster, topic: string): Promise<boolean> {
  const logs = await Promise.all(
    [...cluster.brokers.keys()].map((id) => cluster.logBytes(id, topic, 0)),
  );
  return logs.every((l) => l.length > 0 && l.equals(logs[0]!));
}

test(
  'acks=all on three replicas: byte-identical logs, ISR shrink and expand, min.insync.replicas, a leader change keeps records and sequences',
  { timeout: 120_000 },
  async (t) => {
    const cluster = await startInProcessCluster(3, FAST);
    t.after(() => cluster.close());
    await createReplicatedTopic(cluster, 'replicated', 2);
    const leader = cluster.partition('replicated', 0).leader;
    const [f1, f2] = [1, 2, 3].filter((id) => id !== leader) as [number, number];

    // A real client (librdkafka) produces with acks=all and idempotence.
    const first = await confluent<ProduceReport>('produce', {
      bootstrap: cluster.bootstrap(),
      topic: 'replicated',
      config: { acks: 'all', 'enable.idempotence': true },
      messages: Array.from({ length: 50 }, (_, i) => ({ value: `v${i}`, partition: 0 })),
    });
    assert.equal(first.unflushed, 0);
    assert.deepEqual(
      first.reports.map((r) => r.error),
      first.reports.map(() => null),
    );
    assert.deepEqual(
      first.reports.map((r) => r.offset),
      Array.from({ length: 50 }, (_, i) => i),
    );
    await waitFor('three identical logs', () => identicalLogs(cluster, 'replicated'));

    // One follower stops: the leader drops it from the ISR, and acks=all goes on with two.
    await cluster.stop(f1);
    await waitFor('the ISR without the stopped follower', () =>
      sameSet(cluster.partition('replicated', 0).isr, [leader, f2]),
    );
    const client = await rawClient(cluster, leader);
    t.after(() => client.close());
    const two = await client.request(
      0,
      9,
      produceBody('replicated', [{ index: 0, records: batch(['two']) }]),
    );
    assert.equal(produceError(two).errorCode, ErrorCode.NONE);
    assert.equal(produceError(two).baseOffset, 50n);

    // The second follower stops too: one in-sync replica is fewer than min.insync.replicas.
    await cluster.stop(f2);
    await waitFor('the ISR of the leader alone', () =>
      sameSet(cluster.partition('replicated', 0).isr, [leader]),
    );
    const refused = await client.request(
      0,
      9,
      produceBody('replicated', [{ index: 0, records: batch(['refused']) }]),
    );
    assert.equal(produceError(refused).errorCode, ErrorCode.NOT_ENOUGH_REPLICAS);
    const one = await client.request(
      0,
      9,
      produceBody('replicated', [{ index: 0, records: batch(['acks1']) }], { acks: 1 }),
    );
    assert.equal(produceError(one).errorCode, ErrorCode.NONE);
    assert.equal(produceError(one).baseOffset, 51n);

    // Both come back, catch up and rejoin the ISR; the logs are the same bytes again.
    await cluster.start(f1);
    await cluster.start(f2);
    await waitFor('all three back in the ISR', () =>
      sameSet(cluster.partition('replicated', 0).isr, [1, 2, 3]),
    );
    await waitFor('three identical logs again', () => identicalLogs(cluster, 'replicated'));

    // An idempotent producer's batch, acknowledged by the old leader...
    const producerId = 4242n;
    const seq0 = batch(['p0', 'p1', 'p2'], { producerId, baseSequence: 0 });
    const acked = await client.request(
      0,
      9,
      produceBody('replicated', [{ index: 0, records: seq0 }]),
    );
    assert.equal(produceError(acked).errorCode, ErrorCode.NONE);
    assert.equal(produceError(acked).baseOffset, 52n);

    // ... then the controller moves the leadership (as it would when the leader is fenced).
    await cluster.changePartition('replicated', 0, { leader: f1 });
    const moved = await rawClient(cluster, f1);
    t.after(() => moved.close());
    await waitFor('the new leader to take appends', async () => {
      const probe = await moved.request(
        0,
        9,
        produceBody('replicated', [{ index: 0, records: batch(['x']) }], { acks: 0 + 1 }),
      );
      return produceError(probe).errorCode === ErrorCode.NONE;
    });
    // The old leader refuses appends now.
    const stale = await client.request(
      0,
      9,
      produceBody('replicated', [{ index: 0, records: batch(['stale']) }]),
    );
    assert.equal(produceError(stale).errorCode, ErrorCode.NOT_LEADER_OR_FOLLOWER);
    // The producer retries the acknowledged batch at the new leader: a duplicate, answered
    // with the offset it got the first time; its next batch continues the sequence.
    const retried = await moved.request(
      0,
      9,
      produceBody('replicated', [
        { index: 0, records: batch(['p0', 'p1', 'p2'], { producerId, baseSequence: 0 }) },
      ]),
    );
    assert.equal(produceError(retried).errorCode, ErrorCode.NONE);
    assert.equal(produceError(retried).baseOffset, 52n);
    const next = await moved.request(
      0,
      9,
      produceBody('replicated', [
        { index: 0, records: batch(['p3'], { producerId, baseSequence: 3 }) },
      ]),
    );
    assert.equal(produceError(next).errorCode, ErrorCode.NONE);
    assert.equal(produceError(next).baseOffset, 56n);

    // Every acknowledged record, once and in order, from the new leader.
    await waitFor('three identical logs after the move', () =>
      identicalLogs(cluster, 'replicated'),
    );
    const fetched = await moved.request(
      1,
      12,
      fetchBody('replicated', [{ partition: 0, fetchOffset: 0 }]),
    );
    const values = valuesOf(fetched.responses[0].partitions[0].records);
    assert.deepEqual(values, [
      ...Array.from({ length: 50 }, (_, i) => `v${i}`),
      'two',
      'acks1',
      'p0',
      'p1',
      'p2',
      'x',
      'p3',
    ]);
    // A real consumer (librdkafka) finds the new leader from any broker and reads them all.
    const consumed = await confluent<{ messages: { offset: number; value: string }[] }>('consume', {
      bootstrap: cluster.bootstrap(),
      topic: 'replicated',
      offsets: { '0': 0 },
      count: values.length,
      timeout: 30,
    });
    assert.deepEqual(
      consumed.messages.map((m) => m.value),
      values,
    );
  },
);

test(
  'a returning replica truncates the suffix its leader never had, and nothing else',
  { timeout: 120_000 },
  async (t) => {
    const cluster = await startInProcessCluster(3, FAST);
    t.after(() => cluster.close());
    await createReplicatedTopic(cluster, 'diverge', 1);
    const old = cluster.partition('diverge', 0).leader;
    const [f1, f2] = [1, 2, 3].filter((id) => id !== old) as [number, number];
    const client = await rawClient(cluster, old);
    const a = await client.request(
      0,
      9,
      produceBody('diverge', [{ index: 0, records: batch(['a0', 'a1', 'a2']) }]),
    );
    assert.equal(produceError(a).errorCode, ErrorCode.NONE);
    await waitFor('three identical logs', () => identicalLogs(cluster, 'diverge'));

    // The followers stop; the old leader takes records with acks=1 that nobody else gets.
    await cluster.stop(f1);
    await cluster.stop(f2);
    const lost = await client.request(
      0,
      9,
      produceBody('diverge', [{ index: 0, records: batch(['lost0', 'lost1']) }], { acks: 1 }),
    );
    assert.equal(produceError(lost).errorCode, ErrorCode.NONE);
    assert.equal(produceError(lost).baseOffset, 3n);
    client.close();
    await cluster.stop(old);

    // The followers return and one of them is made leader (an unclean choice, as only an
    // operator or unclean.leader.election.enable would make it): a new leader epoch.
    await cluster.start(f1);
    await cluster.start(f2);
    await cluster.changePartition('diverge', 0, { leader: f1, isr: [f1, f2] });
    const leaderClient = await rawClient(cluster, f1);
    t.after(() => leaderClient.close());
    await waitFor('the new leader to take acks=all appends', async () => {
      const r = await leaderClient.request(
        0,
        9,
        produceBody('diverge', [{ index: 0, records: batch(['b0']) }]),
      );
      return produceError(r).errorCode === ErrorCode.NONE;
    });
    const b = await leaderClient.request(
      0,
      9,
      produceBody('diverge', [{ index: 0, records: batch(['b1', 'b2']) }]),
    );
    assert.equal(produceError(b).errorCode, ErrorCode.NONE);

    // The old leader returns as a follower: OffsetForLeaderEpoch says its epoch ended at 3 on
    // the new leader, so it cuts lost0/lost1 and fetches the new leader's records.
    await cluster.start(old);
    await waitFor('the old leader back in the ISR', () =>
      sameSet(cluster.partition('diverge', 0).isr, [1, 2, 3]),
    );
    await waitFor('three identical logs after truncation', () => identicalLogs(cluster, 'diverge'));
    const fetched = await leaderClient.request(
      1,
      12,
      fetchBody('diverge', [{ partition: 0, fetchOffset: 0 }]),
    );
    const values = valuesOf(fetched.responses[0].partitions[0].records);
    assert.equal(values.includes('lost0'), false);
    assert.deepEqual(values.slice(0, 3), ['a0', 'a1', 'a2']);
    assert.deepEqual(values.slice(-2), ['b1', 'b2']);
  },
);

function sameSet(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}

test(
  'an acks=all append whose ISR shrinks below min.insync.replicas while it waits gets NOT_ENOUGH_REPLICAS_AFTER_APPEND; high watermarks are checkpointed',
  { timeout: 60_000 },
  async (t) => {
    const cluster = await startInProcessCluster(3, { ...FAST, 'replica.lag.time.max.ms': 1000 });
    t.after(() => cluster.close());
    await createReplicatedTopic(cluster, 'after', 2);
    const leader = cluster.partition('after', 0).leader;
    const followers = [1, 2, 3].filter((id) => id !== leader);
    const client = await rawClient(cluster, leader);
    t.after(() => client.close());
    const ok = await client.request(
      0,
      9,
      produceBody('after', [{ index: 0, records: batch(['a', 'b', 'c']) }]),
    );
    assert.equal(produceError(ok).errorCode, ErrorCode.NONE);
    await waitFor('three identical logs', () => identicalLogs(cluster, 'after'));

    await cluster.stop(followers[0]!);
    await cluster.stop(followers[1]!);
    // The ISR still names both followers: the append is taken, then waits for them until they
    // leave the ISR, which leaves fewer in-sync replicas than min.insync.replicas.
    const waited = await client.request(
      0,
      9,
      produceBody('after', [{ index: 0, records: batch(['d']) }]),
    );
    assert.equal(produceError(waited).errorCode, ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND);
    assert.deepEqual(cluster.partition('after', 0).isr, [leader]);

    // A clean stop writes replication-offset-checkpoint (Kafka's format) with the high
    // watermark, which now covers 'd'; a follower's is its leader's as last fetched.
    await cluster.stop(leader);
    const read = (id: number) =>
      readFile(join(cluster.dirs.get(id)!, 'replication-offset-checkpoint'), 'utf8');
    const lines = (await read(leader)).trim().split('\n');
    assert.deepEqual(lines, ['0', '1', 'after 0 4']);
    assert.match(await read(followers[0]!), /^0\n1\nafter 0 [0-3]\n$/);
  },
);

test(
  'a follower whose log ends before its leader’s log start starts over there and rejoins the ISR',
  { timeout: 60_000 },
  async (t) => {
    const cluster = await startInProcessCluster(3, FAST);
    t.after(() => cluster.close());
    await createReplicatedTopic(cluster, 'behind', 1);
    const leader = cluster.partition('behind', 0).leader;
    const [away] = [1, 2, 3].filter((id) => id !== leader) as [number];
    const client = await rawClient(cluster, leader);
    t.after(() => client.close());
    const first = await client.request(
      0,
      9,
      produceBody('behind', [{ index: 0, records: batch(['a']) }]),
    );
    assert.equal(produceError(first).errorCode, ErrorCode.NONE);
    await waitFor('three identical logs', () => identicalLogs(cluster, 'behind'));
    await cluster.stop(away);
    await waitFor('the ISR without it', () => !cluster.partition('behind', 0).isr.includes(away));
    for (let i = 0; i < 3; i++) {
      const r = await client.request(
        0,
        9,
        produceBody('behind', [{ index: 0, records: batch([`b${i}`, `c${i}`]) }]),
      );
      assert.equal(produceError(r).errorCode, ErrorCode.NONE);
    }
    // The leader's log now starts past everything the stopped follower has.
    const deleted = await client.request(21, 2, {
      topics: [{ name: 'behind', partitions: [{ partitionIndex: 0, offset: 5n }] }],
      timeoutMs: 5000,
    });
    assert.equal(deleted.topics[0].partitions[0].errorCode, ErrorCode.NONE);
    assert.equal(deleted.topics[0].partitions[0].lowWatermark, 5n);

    await cluster.start(away);
    await waitFor('the follower back in the ISR', () =>
      cluster.partition('behind', 0).isr.includes(away),
    );
    const [own, leaders] = await Promise.all([
      cluster.logBytes(away, 'behind', 0),
      cluster.logBytes(leader, 'behind', 0),
    ]);
    // It holds the leader's last batch (offsets 5-6), byte for byte, and nothing older.
    assert.deepEqual(valuesOf(own), ['b2', 'c2']);
    assert.ok(leaders.subarray(leaders.length - own.length).equals(own));
  },
);

test(
  'KafkaJS (idempotent, acks=-1) across three brokers: every partition on all replicas',
  { timeout: 60_000 },
  async (t) => {
    const cluster = await startInProcessCluster(3, FAST);
    t.after(() => cluster.close());
    const kafka = new kafkajs.Kafka({
      clientId: 'replication-test',
      brokers: cluster.bootstrap().split(','),
      logLevel: kafkajs.logLevel.NOTHING,
    });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      topics: [
        {
          topic: 'kjs',
          numPartitions: 3,
          replicationFactor: 3,
          configEntries: [{ name: 'min.insync.replicas', value: '2' }],
        },
      ],
    });
    await admin.disconnect();
    await waitFor('the topic', () => cluster.observer.image.topic('kjs') !== undefined);
    // The three partitions' leaders are spread over the brokers: the producer talks to all.
    const leaders = new Set([0, 1, 2].map((p) => cluster.partition('kjs', p).leader));
    assert.equal(leaders.size, 3);
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    try {
      for (let round = 0; round < 3; round++) {
        await producer.send({
          topic: 'kjs',
          acks: -1,
          messages: Array.from({ length: 30 }, (_, i) => ({
            value: `r${round}-${i}`,
            partition: i % 3,
          })),
        });
      }
    } finally {
      await producer.disconnect();
    }
    for (const p of [0, 1, 2]) {
      await waitFor(`partition ${p} identical on all brokers`, async () => {
        const logs = await Promise.all([1, 2, 3].map((id) => cluster.logBytes(id, 'kjs', p)));
        return logs.every((l) => l.length > 0 && l.equals(logs[0]!));
      });
      const values = valuesOf(await cluster.logBytes(1, 'kjs', p));
      assert.equal(values.length, 30);
    }
  },
);
