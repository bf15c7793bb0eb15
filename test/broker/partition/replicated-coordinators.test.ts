// Coordinators on replicated internal topics: offsets committed through the group coordinator
// on the leader of a __consumer_offsets partition are replicated like any records, and once the
// leadership moves, the coordinator on the new leader loads them and serves them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Admin } from '../../../src/client/index.js';
import { ErrorCode, createOffsetCommitRequest } from '../../../src/protocol/index.js';
import { ProtocolClient } from '../../support/protocol-client.js';
import { waitFor } from '../../support/wait.js';
import { startInProcessCluster } from './support/in-process-cluster.js';

test('committed offsets survive a leader change of __consumer_offsets', async (t) => {
  const cluster = await startInProcessCluster(3, {
    'offsets.topic.num.partitions': 1,
    'replica.fetch.wait.max.ms': 100,
  });
  t.after(() => cluster.close());
  const admin = new Admin({ bootstrapServers: cluster.bootstrap() });
  await admin.connect();
  // Created here with three replicas, as offsets.topic.replication.factor asks in a cluster
  // (the coordinator's own creation of it is the cluster setup's business).
  await admin.createTopics([
    { name: 'orders', numPartitions: 1, replicationFactor: 3 },
    {
      name: '__consumer_offsets',
      numPartitions: 1,
      replicationFactor: 3,
      configs: { 'cleanup.policy': 'compact' },
    },
  ]);
  await admin.close();
  await waitFor(
    '__consumer_offsets',
    () => cluster.observer.image.topic('__consumer_offsets') !== undefined,
  );
  const old = cluster.partition('__consumer_offsets', 0).leader;
  const oldClient = await ProtocolClient.connect(cluster.brokers.get(old)!.port);
  t.after(() => oldClient.close());
  const commit = createOffsetCommitRequest({
    groupId: 'g',
    memberId: '',
    generationIdOrMemberEpoch: -1,
    topics: [
      {
        name: 'orders',
        topicId: '00000000-0000-0000-0000-000000000000',
        partitions: [
          {
            partitionIndex: 0,
            committedOffset: 42n,
            committedLeaderEpoch: 0,
            committedMetadata: 'm',
          },
        ],
      },
    ],
  });
  await waitFor('the coordinator on the old leader to commit', async () => {
    const r = await oldClient.request(8, 8, commit);
    return r.topics[0].partitions[0].errorCode === ErrorCode.NONE;
  });

  const state = cluster.partition('__consumer_offsets', 0);
  const next = state.isr.find((id) => id !== old)!;
  assert.equal(state.replicas.length, 3);
  await waitFor('the commit replicated to the next leader', async () => {
    const [a, b] = await Promise.all([
      cluster.logBytes(old, '__consumer_offsets', 0),
      cluster.logBytes(next, '__consumer_offsets', 0),
    ]);
    return a.length > 0 && a.equals(b);
  });
  await cluster.changePartition('__consumer_offsets', 0, { leader: next });

  const nextClient = await ProtocolClient.connect(cluster.brokers.get(next)!.port);
  t.after(() => nextClient.close());
  const fetchBody = {
    groupId: 'g',
    topics: [{ name: 'orders', partitionIndexes: [0] }],
    groups: [],
    requireStable: false,
  };
  let committed = -2n;
  await waitFor('the new leader to serve the offset', async () => {
    const r = await nextClient.request(9, 7, fetchBody);
    if (r.errorCode !== ErrorCode.NONE) return false;
    committed = r.topics[0].partitions[0].committedOffset;
    return true;
  });
  assert.equal(committed, 42n);
  // The old leader is no longer the group's coordinator.
  const refused = await oldClient.request(9, 7, fetchBody);
  assert.equal(refused.errorCode, ErrorCode.NOT_COORDINATOR);
});
