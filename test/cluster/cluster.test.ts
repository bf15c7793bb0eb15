// Three `rivulet start` processes on one etcd, driven and observed by real clients (kcat and
// confluent-kafka-python): registration, topic creation with replication factor 3, the
// controller's death and its successor, a paused broker's lease running out (fenced, its
// leaderships moved, and no write accepted by it as leader), an etcd restart, and a controlled
// shutdown. The tests run in order on one cluster.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode } from '../../src/protocol/index.js';
import { batch, produceBody } from '../broker/handlers/data-helpers.js';
import { confluent, kcat } from '../interop/support/clients.js';
import { ProtocolClient } from '../support/protocol-client.js';
import { waitFor, within } from '../support/wait.js';
import { startCluster, type TestCluster } from './support/cluster.js';

interface KcatMetadata {
  controllerid: number;
  brokers: { id: number; name: string }[];
  topics: {
    topic: string;
    error?: string;
    partitions: {
      partition: number;
      leader: number;
      replicas: { id: number }[];
      isrs: { id: number }[];
    }[];
  }[];
}

let cluster: TestCluster;
before(async () => {
  cluster = await startCluster({ brokers: 3 });
});
after(async () => {
  await cluster?.stop();
});

/** kcat's metadata (-L -J) as seen from one broker. */
async function metadata(nodeId: number, topic?: string): Promise<KcatMetadata> {
  const args = ['-L', '-J', '-b', `127.0.0.1:${cluster.port(nodeId)}`, '-m', '10'];
  if (topic !== undefined) args.push('-t', topic);
  return JSON.parse(await kcat(args)) as KcatMetadata;
}

function leaders(md: KcatMetadata, topic: string): number[] {
  const t = md.topics.find((x) => x.topic === topic)!;
  return t.partitions.sort((a, b) => a.partition - b.partition).map((p) => p.leader);
}

function brokerIds(md: KcatMetadata): number[] {
  return md.brokers.map((b) => b.id).sort();
}

/** Creates a topic with confluent-kafka-python (through whichever broker librdkafka picks). */
async function createTopic(name: string, partitions: number, replicationFactor = 3): Promise<void> {
  let result: Record<string, string | null> = {};
  await waitFor(`the creation of ${name}`, async () => {
    result = await confluent<Record<string, string | null>>('admin', {
      bootstrap: cluster.bootstrap(),
      op: 'create_topics',
      topics: [{ name, partitions, replication_factor: replicationFactor }],
    });
    return result[name] !== 'NOT_CONTROLLER';
  });
  assert.deepEqual(result, { [name]: null });
}

test('three brokers register; a topic with replication factor 3 is placed on all of them', async () => {
  await createTopic('orders', 3);
  for (const nodeId of [1, 2, 3]) {
    const md = await metadata(nodeId, 'orders');
    assert.deepEqual(brokerIds(md), [1, 2, 3]);
    assert.ok([1, 2, 3].includes(md.controllerid), `controller ${md.controllerid}`);
    const [topic] = md.topics;
    assert.equal(topic!.partitions.length, 3);
    for (const p of topic!.partitions) {
      assert.deepEqual(p.replicas.map((r) => r.id).sort(), [1, 2, 3]);
      assert.deepEqual(p.isrs.map((r) => r.id).sort(), [1, 2, 3]);
      assert.equal(p.leader, p.replicas[0]!.id, 'the first replica leads a new partition');
    }
    // Leaderships are spread: each broker leads one partition.
    assert.deepEqual([...leaders(md, 'orders')].sort(), [1, 2, 3]);
  }
  // confluent-kafka-python's view (librdkafka's Metadata through AdminClient) agrees.
  const listed = await confluent<{ brokers: string[]; topics: Record<string, number[]> }>('admin', {
    bootstrap: cluster.bootstrap(),
    op: 'list_topics',
  });
  assert.deepEqual(listed.brokers, [1, 2, 3].map((id) => `127.0.0.1:${cluster.port(id)}`).sort());
  assert.deepEqual(listed.topics['orders'], [0, 1, 2]);
});

test('a broker that is not the controller creates, grows and deletes topics (as KIP-590 forwarding lets clients)', async () => {
  const md = await metadata(1);
  const other = [1, 2, 3].find((id) => id !== md.controllerid)!;
  const client = await ProtocolClient.connect(cluster.port(other));
  try {
    const created = await client.request(19, 7, {
      timeoutMs: 10_000,
      validateOnly: false,
      topics: [
        {
          name: 'via-follower',
          numPartitions: 2,
          replicationFactor: 3,
          assignments: [],
          configs: [],
        },
      ],
    });
    assert.equal(created.topics[0].errorCode, ErrorCode.NONE, created.topics[0].errorMessage);
    const grown = await client.request(37, 3, {
      topics: [{ name: 'via-follower', count: 3, assignments: null }],
      timeoutMs: 10_000,
      validateOnly: false,
    });
    assert.equal(grown.results[0].errorCode, ErrorCode.NONE, grown.results[0].errorMessage);
    for (const nodeId of [1, 2, 3]) {
      await waitFor(`broker ${nodeId} sees the topic with 3 partitions`, async () => {
        const seen = await metadata(nodeId, 'via-follower');
        return seen.topics[0]?.partitions.length === 3;
      });
    }
    const deleted = await client.request(20, 6, {
      topics: [{ name: 'via-follower', topicId: '00000000-0000-0000-0000-000000000000' }],
      topicNames: [],
      timeoutMs: 10_000,
    });
    assert.equal(deleted.responses[0].errorCode, ErrorCode.NONE);
    // (Not asked by name: kcat's metadata request would create it again.)
    await waitFor(
      'the topic gone on the controller',
      async () => !(await metadata(md.controllerid)).topics.some((t) => t.topic === 'via-follower'),
    );
  } finally {
    client.close();
  }
});

test('kill -9 of the active controller: another broker takes over and fences it', async () => {
  const before = await metadata(1, 'orders');
  const dead = before.controllerid;
  const survivor = [1, 2, 3].find((id) => id !== dead)!;
  const led = leaders(before, 'orders').indexOf(dead);
  await cluster.kill(dead);
  await waitFor('a new controller that fenced the dead one', async () => {
    const md = await metadata(survivor, 'orders');
    return md.controllerid !== dead && md.controllerid !== -1 && !brokerIds(md).includes(dead);
  });
  const md = await metadata(survivor, 'orders');
  const p = md.topics[0]!.partitions.find((x) => x.partition === led)!;
  assert.notEqual(p.leader, dead, 'its leadership moved');
  assert.ok(p.leader !== -1);
  assert.ok(!p.isrs.some((r) => r.id === dead), 'and it left the ISR');
  // The new controller creates topics, on the two live brokers.
  await createTopic('after-failover', 2, 2);
  await cluster.restart(dead);
  await waitFor('the restarted broker back in the cluster', async () =>
    brokerIds(await metadata(survivor)).includes(dead),
  );
  const seen = await metadata(dead, 'after-failover');
  assert.deepEqual(brokerIds(seen), [1, 2, 3]);
  assert.equal(seen.topics[0]!.partitions.length, 2);
});

test('a paused broker is fenced when its lease expires and refuses writes as leader', async () => {
  await createTopic('paused', 3);
  const md = await metadata(1, 'paused');
  const victim = md.controllerid === 3 ? 2 : 3;
  const observer = [1, 2, 3].find((id) => id !== victim && id !== md.controllerid) ?? 1;
  const partition = leaders(md, 'paused').indexOf(victim);
  assert.ok(partition >= 0);
  const client = await ProtocolClient.connect(cluster.port(victim));
  try {
    cluster.pause(victim);
    // Sent while it is stopped: it reads the request only after it resumes, past its lease.
    const answer = client.request(
      0,
      9,
      produceBody('paused', [{ index: partition, records: batch(['while-paused']) }], {
        acks: 1,
      }),
    );
    await waitFor('the paused broker fenced and its leadership moved', async () => {
      const now = await metadata(observer, 'paused');
      return !brokerIds(now).includes(victim) && leaders(now, 'paused')[partition] !== victim;
    });
    cluster.resume(victim);
    const res = await within('the paused broker to answer after it resumed', answer, 60_000);
    const code = res.responses[0].partitionResponses[0].errorCode as number;
    assert.equal(code, ErrorCode.NOT_LEADER_OR_FOLLOWER);
  } catch (err) {
    // What the paused broker logged says why, when this fails.
    const log = cluster.brokers.get(victim)?.stderr().slice(-3000) ?? '(not running)';
    throw new Error(`${String(err)}\nbroker ${victim} logged:\n${log}`);
  } finally {
    client.close();
  }
  await waitFor('the resumed broker registered again', async () =>
    brokerIds(await metadata(observer)).includes(victim),
  );
});

test('etcd restarts: the brokers carry on and the controller still acts', async () => {
  await cluster.restartEtcd();
  await createTopic('after-etcd-restart', 1);
  for (const nodeId of [1, 2, 3]) {
    await waitFor(`broker ${nodeId} sees the topic created after the restart`, async () => {
      const md = await metadata(nodeId, 'after-etcd-restart');
      return md.topics[0]?.partitions.length === 1 && brokerIds(md).length === 3;
    });
  }
});

// After the etcd restart above, ISR changes of several partitions were sent together: each
// opened its own connection to the controller and all but one were left open, so the broker
// closed but its process never ended. The test checks that it ends by itself.
test('SIGTERM: a controlled shutdown moves the leaderships before the broker exits', async () => {
  // A fresh topic: every replica is in its ISR, so every leadership has somewhere to go.
  await createTopic('shutdown', 3);
  const md = await metadata(1, 'shutdown');
  const leaving = [1, 2, 3].find((id) => id !== md.controllerid)!;
  const observer = [1, 2, 3].find((id) => id !== leaving)!;
  assert.ok(leaders(md, 'shutdown').includes(leaving));
  const broker = cluster.brokers.get(leaving)!;
  cluster.brokers.delete(leaving);
  try {
    assert.equal(await within('the broker to exit on SIGTERM', broker.stop('SIGTERM'), 60_000), 0);
  } catch (err) {
    throw new Error(`${String(err)}\nbroker ${leaving} logged:\n${broker.stderr().slice(-6000)}`);
  }
  // It ended by itself: nothing it opened was left open.
  assert.doesNotMatch(broker.stderr(), /still running .* after shutdown/);
  const controller = cluster.brokers.get(md.controllerid)!;
  assert.match(
    controller.stderr(),
    new RegExp(`controlled shutdown of broker ${leaving}: leaderships moved`),
  );
  await waitFor(
    'the stopped broker gone from the metadata',
    async () => !brokerIds(await metadata(observer)).includes(leaving),
  );
  const after = await metadata(observer, 'shutdown');
  for (const p of after.topics[0]!.partitions) {
    assert.notEqual(p.leader, leaving, `partition ${p.partition} is led by a live broker`);
    assert.notEqual(p.leader, -1);
  }
});
