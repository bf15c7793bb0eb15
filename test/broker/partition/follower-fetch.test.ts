// KIP-392 on the follower side, three brokers in this process: a consumer fetch of v11+ that
// names the client's rack is served by an in-sync follower up to its high watermark,
// which the follower learns from its leader's fetch responses; past the high watermark the
// answer is empty, past the follower's log end OFFSET_OUT_OF_RANGE; a consumer fetch older
// than v11, or without a rack, gets NOT_LEADER_OR_FOLLOWER from a follower, as before. The brokers name no rack,
// so a leader with RackAwareReplicaSelector keeps serving a rack-naming consumer itself.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Admin } from '../../../src/client/index.js';
import { ErrorCode } from '../../../src/protocol/index.js';
import { ProtocolClient } from '../../support/protocol-client.js';
import { waitFor } from '../../support/wait.js';
import { batch, fetchBody, produceBody, valuesOf } from '../handlers/data-helpers.js';
import { startInProcessCluster } from './support/in-process-cluster.js';

const TOPIC = 'nearby';

interface FetchAnswer {
  responses: {
    partitions: {
      errorCode: number;
      highWatermark: bigint;
      preferredReadReplica: number;
      records: Buffer | null;
    }[];
  }[];
}

const first = (r: FetchAnswer) => r.responses[0]!.partitions[0]!;

test(
  'a follower serves v11+ consumer fetches up to its high watermark',
  { timeout: 120_000 },
  async (t) => {
    const cluster = await startInProcessCluster(3, {
      'replica.fetch.wait.max.ms': 100,
      'replica.fetch.backoff.ms': 100,
      'offsets.topic.replication.factor': 1,
      'transaction.state.log.replication.factor': 1,
      'transaction.state.log.min.isr': 1,
      'replica.selector.class': 'org.apache.kafka.common.replica.RackAwareReplicaSelector',
    });
    t.after(() => cluster.close());
    const admin = new Admin({ bootstrapServers: cluster.bootstrap() });
    await admin.connect();
    try {
      await admin.createTopics([{ name: TOPIC, numPartitions: 1, replicationFactor: 3 }]);
    } finally {
      await admin.close();
    }
    await waitFor('the topic with a full ISR', () => {
      const p = cluster.observer.image.topic(TOPIC)?.partitions[0];
      return p !== undefined && p.isr.length === 3;
    });
    const { leader, replicas } = cluster.partition(TOPIC, 0);
    const follower = replicas.find((id) => id !== leader)!;
    const toLeader = await ProtocolClient.connect(cluster.brokers.get(leader)!.port);
    const toFollower = await ProtocolClient.connect(cluster.brokers.get(follower)!.port);
    t.after(() => {
      toFollower.close();
      toLeader.close();
    });
    const values = Array.from({ length: 10 }, (_, i) => `v${i}`);
    const produced = await toLeader.request(
      0,
      9,
      produceBody(TOPIC, [{ index: 0, records: batch(values) }]),
    );
    assert.equal(produced.responses[0].partitionResponses[0].errorCode, ErrorCode.NONE);

    const fetchAt = (client: ProtocolClient, version: number, fetchOffset: number) =>
      client.request<FetchAnswer>(1, version, {
        ...fetchBody(TOPIC, [{ partition: 0, fetchOffset }]),
        rackId: 'rack-x',
      });
    await waitFor('the follower to serve every record', async () => {
      const r = first(await fetchAt(toFollower, 12, 0));
      return r.errorCode === ErrorCode.NONE && valuesOf(r.records).length === values.length;
    });
    const atEnd = first(await fetchAt(toFollower, 12, values.length));
    assert.deepEqual([atEnd.errorCode, valuesOf(atEnd.records)], [ErrorCode.NONE, []]);
    assert.equal(atEnd.highWatermark, BigInt(values.length), 'the leader high watermark, learnt');
    const past = first(await fetchAt(toFollower, 12, values.length + 1));
    assert.equal(past.errorCode, ErrorCode.OFFSET_OUT_OF_RANGE);
    const noRack = first(
      await toFollower.request<FetchAnswer>(
        1,
        12,
        fetchBody(TOPIC, [{ partition: 0, fetchOffset: 0 }]),
      ),
    );
    assert.equal(noRack.errorCode, ErrorCode.NOT_LEADER_OR_FOLLOWER, 'no rack: the leader');
    const old = first(await fetchAt(toFollower, 10, 0));
    assert.equal(old.errorCode, ErrorCode.NOT_LEADER_OR_FOLLOWER, 'v10 consumers read the leader');

    const fromLeader = first(await fetchAt(toLeader, 12, 0));
    assert.equal(fromLeader.preferredReadReplica, -1, 'no replica is in the client rack');
    assert.deepEqual(valuesOf(fromLeader.records), values);
  },
);
