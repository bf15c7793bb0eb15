// Replication in a cluster of processes, checked with a real client (issue #15): three
// `rivulet start` brokers on one etcd, a topic with replication factor 3 and
// min.insync.replicas=2, and confluent-kafka-python's idempotent producer (acks=all) producing
// throughout while (a) the leader of a partition is killed with kill -9 and later restarted and
// (b) a follower is paused (SIGSTOP) until its leader has taken it out of the ISR (an
// AlterPartition sent over the network to the elected controller) and then resumed, until it is
// back in the ISR. A librdkafka consumer group member reads throughout and must have read every
// acknowledged record. Afterwards every acknowledged record is read back from the earliest offset
// exactly once, at its acknowledged offset, in order; and no leader epoch had two leaders: where
// two replicas hold a batch at the same offset written in the same leader epoch, its bytes are
// the same on both.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { confluent, kcat } from '../interop/support/clients.js';
import { pythonMember, type GroupMember } from '../interop/support/group-members.js';
import { waitFor } from '../support/wait.js';
import { startCluster, type TestCluster } from './support/cluster.js';

const here = dirname(fileURLToPath(import.meta.url));
const PRODUCER = join(here, '..', '..', '..', 'test', 'cluster', 'support', 'acked_producer.py');
const TOPIC = 'replicated';
const PARTITIONS = 3;

interface Report {
  p: number;
  o: number;
  v: string;
  e: string | null;
}

interface PartitionMetadata {
  partition: number;
  leader: number;
  replicas: { id: number }[];
  isrs: { id: number }[];
}

interface KcatMetadata {
  controllerid: number;
  brokers: { id: number }[];
  topics: { topic: string; partitions: PartitionMetadata[] }[];
}

let cluster: TestCluster;
let member: GroupMember | undefined;
before(async () => {
  cluster = await startCluster({
    brokers: 3,
    // A follower that stops fetching leaves the ISR after 2 s, well before its registration
    // lease (6 s) runs out: the ISR shrink is the leader's AlterPartition, not a fencing.
    config: { 'replica.lag.time.max.ms': 2000, 'broker.session.timeout.ms': 6000 },
  });
});
after(async () => {
  member?.kill();
  await cluster?.stop();
});

async function metadata(): Promise<KcatMetadata> {
  for (;;) {
    const nodeId = [...cluster.brokers.keys()][0]!;
    try {
      const args = ['-L', '-J', '-b', `127.0.0.1:${cluster.port(nodeId)}`, '-m', '10'];
      return JSON.parse(await kcat([...args, '-t', TOPIC])) as KcatMetadata;
    } catch (err) {
      // A broker being killed or paused at this moment: ask the next one.
      if (cluster.brokers.size === 0) throw err;
    }
  }
}

async function partitionInfo(partition: number): Promise<PartitionMetadata> {
  const md = await metadata();
  return md.topics[0]!.partitions.find((p) => p.partition === partition)!;
}

const ids = (list: { id: number }[]) => list.map((r) => r.id).sort();

/** The producer child, its delivery reports so far, and a promise of its end. */
function startProducer(bootstrap: string) {
  const args = JSON.stringify({ bootstrap, topic: TOPIC, partitions: PARTITIONS });
  const child: ChildProcess = spawn('/usr/bin/python3', [PRODUCER, args], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const reports: Report[] = [];
  let done: number | null = null;
  let stderr = '';
  let pending = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    pending += d;
    const lines = pending.split('\n');
    pending = lines.pop()!;
    for (const line of lines) {
      const parsed = JSON.parse(line) as Report | { done: number };
      if ('done' in parsed) done = parsed.done;
      else reports.push(parsed);
    }
  });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  const acked = () => reports.filter((r) => r.e === null).length;
  return {
    reports,
    acked,
    stderr: () => stderr,
    /** Waits until `n` more records have been acknowledged. */
    progress: async (what: string, n = 100) => {
      const from = acked();
      await waitFor(`${n} records acknowledged ${what}`, () => acked() >= from + n, {
        timeoutMs: 60_000,
      });
    },
    stop: async () => {
      child.stdin!.end();
      const code = await exited;
      return { code, left: done };
    },
    kill: () => child.kill('SIGKILL'),
  };
}

/** Batches of a partition's log in one broker's data dir: base offset → (leader epoch, bytes). */
function batchesOnDisk(nodeId: number, partition: number): Map<bigint, [number, Buffer]> {
  const find = (dir: string): string | null => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (!statSync(path).isDirectory()) continue;
      if (name === `${TOPIC}-${partition}`) return path;
      const below = find(path);
      if (below !== null) return below;
    }
    return null;
  };
  const root = join(cluster.dir, `broker-${nodeId}`);
  const out = new Map<bigint, [number, Buffer]>();
  const dir = existsSync(root) ? find(root) : null;
  if (dir === null) return out;
  for (const name of readdirSync(dir)
    .filter((n) => n.endsWith('.log'))
    .sort()) {
    const bytes = readFileSync(join(dir, name));
    let at = 0;
    // baseOffset int64, batchLength int32, partitionLeaderEpoch int32, …
    while (at + 17 <= bytes.length) {
      const size = 12 + bytes.readInt32BE(at + 8);
      if (size <= 12 || at + size > bytes.length) break;
      const batch = bytes.subarray(at, at + size);
      out.set(batch.readBigInt64BE(0), [batch.readInt32BE(12), batch]);
      at += size;
    }
  }
  return out;
}

test('acks=all through a leader kill -9 and a paused follower: nothing acknowledged is lost or duplicated', async () => {
  await waitFor('the topic created', async () => {
    const result = await confluent<Record<string, string | null>>('admin', {
      bootstrap: cluster.bootstrap(),
      op: 'create_topics',
      topics: [
        {
          name: TOPIC,
          partitions: PARTITIONS,
          replication_factor: 3,
          config: { 'min.insync.replicas': '2' },
        },
      ],
    });
    if (result[TOPIC] === 'NOT_CONTROLLER') return false;
    assert.equal(result[TOPIC], null);
    return true;
  });
  await waitFor('every replica in the ISR', async () => {
    const md = await metadata();
    return md.topics[0]?.partitions.every((p) => p.isrs.length === 3) ?? false;
  });
  // A librdkafka consumer group member reads throughout (its coordinator lives on
  // __consumer_offsets, replication factor 3, and moves when its leader does).
  member = pythonMember('confluent', {
    bootstrap: cluster.bootstrap(),
    group: 'reader',
    topic: TOPIC,
    timeoutMs: 170_000,
  });
  const producer = startProducer(cluster.bootstrap());
  try {
    await producer.progress('at the start');

    // (a) kill -9 of the leader of partition 0, produce on, restart it, wait for its return.
    const leader = (await partitionInfo(0)).leader;
    await cluster.kill(leader);
    await waitFor('a new leader for partition 0', async () => {
      const p = await partitionInfo(0);
      return p.leader !== leader && p.leader !== -1;
    });
    await producer.progress('after the leader was killed');
    await cluster.restart(leader);
    await waitFor('the restarted broker back in every ISR', async () => {
      const md = await metadata();
      return md.topics[0]!.partitions.every((p) => ids(p.isrs).length === 3);
    });
    await producer.progress('after the restart');

    // (b) pause a follower of partition 1 (not the controller) until it leaves the ISR.
    const md = await metadata();
    const p1 = md.topics[0]!.partitions.find((p) => p.partition === 1)!;
    const follower = ids(p1.replicas).find((id) => id !== p1.leader && id !== md.controllerid)!;
    cluster.pause(follower);
    try {
      await waitFor('the paused follower out of the ISR of partition 1', async () => {
        const p = await partitionInfo(1);
        return !ids(p.isrs).includes(follower);
      });
      await producer.progress('while a follower is paused');
    } finally {
      cluster.resume(follower);
    }
    await waitFor('the resumed follower back in every ISR', async () => {
      const all = await metadata();
      return all.topics[0]!.partitions.every((p) => ids(p.isrs).length === 3);
    });
    await producer.progress('after the follower resumed');
  } catch (err) {
    producer.kill();
    const logs = [...cluster.brokers]
      .map(
        ([id, b]) =>
          `broker ${id}:\n${b.stderr().slice(-(Number(process.env.RIVULET_TEST_LOG_CHARS) || 2500))}`,
      )
      .join('\n');
    const md = await metadata().catch((e: unknown) => String(e));
    throw new Error(
      `${String(err)}\nmetadata: ${JSON.stringify(md)}\nproducer:\n${producer.stderr().slice(-2000)}\n${logs}`,
    );
  }
  const { code, left } = await producer.stop();
  assert.equal(code, 0, producer.stderr());
  assert.equal(left, 0, 'every record was delivered or failed');

  // Every acknowledged record, read from the earliest offset: once, at its offset, in order.
  const acked = producer.reports.filter((r) => r.e === null);
  const read = await confluent<{
    messages: { partition: number; offset: number; value: string }[];
  }>(
    'consume',
    {
      bootstrap: cluster.bootstrap(),
      topic: TOPIC,
      offsets: Object.fromEntries(Array.from({ length: PARTITIONS }, (_, p) => [p, 0])),
      count: producer.reports.length + 1,
      stop_at_eof: true,
      timeout: 60,
    },
    90_000,
  );
  const values = read.messages.map((m) => m.value);
  assert.equal(new Set(values).size, values.length, 'no record is stored twice');
  const at = new Map(read.messages.map((m) => [`${m.partition}@${m.offset}`, m.value]));
  const missing = acked.filter((r) => at.get(`${r.p}@${r.o}`) !== r.v);
  assert.deepEqual(missing.slice(0, 10), [], `${missing.length} acknowledged records missing`);
  for (let p = 0; p < PARTITIONS; p++) {
    const seqs = read.messages
      .filter((m) => m.partition === p)
      .map((m) => Number(m.value.split('-')[1]));
    const sorted = [...seqs].sort((x, y) => x - y);
    assert.deepEqual(seqs, sorted, `partition ${p} is in the order it was produced`);
  }
  const failed = producer.reports.filter((r) => r.e !== null);
  assert.ok(acked.length >= 500, `${acked.length} acknowledged, ${failed.length} failed`);

  // The group member read every acknowledged record (at least once: it commits after each).
  try {
    await waitFor(
      'the group member to read every acknowledged record',
      () => acked.every((r) => member!.records.has(`${r.p}:${r.o}`)),
      { timeoutMs: 60_000 },
    );
  } finally {
    await member.stop();
    member = undefined;
  }

  // No leader epoch had two leaders: replicas agree on every batch of the same epoch.
  for (let p = 0; p < PARTITIONS; p++) {
    const logs = [1, 2, 3].map((id) => batchesOnDisk(id, p));
    for (let i = 0; i < 3; i++) {
      for (let j = i + 1; j < 3; j++) {
        let compared = 0;
        for (const [offset, [epoch, bytes]] of logs[i]!) {
          const other = logs[j]!.get(offset);
          if (other === undefined || other[0] !== epoch) continue;
          compared++;
          assert.ok(
            bytes.equals(other[1]),
            `partition ${p} offset ${offset} epoch ${epoch}: brokers ${i + 1} and ${j + 1} differ`,
          );
        }
        assert.ok(compared > 0, `partition ${p}: brokers ${i + 1} and ${j + 1} share batches`);
      }
    }
  }
});
