// AlterPartition over the wire: the RPC controller channel a leader uses when the controller
// is another process reaches a broker's AlterPartition handler (API 56), which commits the ISR
// change as the in-process channel does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Admin } from '../../../src/client/index.js';
import { startBroker } from '../../../src/index.js';
import { ErrorCode } from '../../../src/protocol/index.js';
import { rpcControllerChannel } from '../../../src/broker/partition/controller-channel.js';
import { waitFor } from '../../support/wait.js';
import { startInProcessCluster } from './support/in-process-cluster.js';

test('AlterPartition v3 through the RPC channel changes the ISR with the partition epoch as the fence', async (t) => {
  // A long lag time: only this test's request changes the ISR.
  const cluster = await startInProcessCluster(3, { 'replica.lag.time.max.ms': 600_000 });
  t.after(() => cluster.close());
  const admin = new Admin({ bootstrapServers: cluster.bootstrap() });
  await admin.connect();
  await admin.createTopics([{ name: 'isr', numPartitions: 1, replicationFactor: 3 }]);
  await admin.close();
  await waitFor('the topic', () => cluster.observer.image.topic('isr') !== undefined);
  const { leader, leaderEpoch, partitionEpoch, isr } = cluster.partition('isr', 0);
  const controller = cluster.brokers.get(1)!;
  const channel = rpcControllerChannel(() => ({ host: '127.0.0.1', port: controller.port }), {
    clientId: 'test',
    requestTimeoutMs: 10_000,
  });
  t.after(() => channel.close());
  const topicId = cluster.observer.image.topic('isr')!.topicId;
  const newIsr = isr.filter((id) => id === leader || id === isr.find((x) => x !== leader));
  const send = (epoch: number) =>
    channel.alterPartition({
      brokerId: leader,
      brokerEpoch: -1n,
      topics: [
        {
          topicId,
          partitions: [
            {
              partitionIndex: 0,
              leaderEpoch,
              newIsr: [],
              newIsrWithEpochs: newIsr.map((brokerId) => ({ brokerId, brokerEpoch: -1n })),
              leaderRecoveryState: 0,
              partitionEpoch: epoch,
            },
          ],
        },
      ],
    });
  const accepted = await send(partitionEpoch);
  const answer = accepted.topics[0]!.partitions[0]!;
  assert.equal(answer.errorCode, ErrorCode.NONE);
  assert.equal(answer.partitionEpoch, partitionEpoch + 1);
  assert.deepEqual(answer.isr, newIsr);
  // (The leader may expand the ISR again right after: the dropped follower is still fetching.)
  await waitFor(
    'the change in every image',
    () => cluster.partition('isr', 0).partitionEpoch > partitionEpoch,
  );
  const fenced = await send(partitionEpoch);
  assert.equal(fenced.topics[0]!.partitions[0]!.errorCode, ErrorCode.INVALID_UPDATE_VERSION);
});

test('ISR changes sent together share one connection, and closing the channel leaves none open', async (t) => {
  // A single broker answers AlterPartition itself; its connection count is what is checked.
  const broker = await startBroker({ port: 0 });
  t.after(() => broker.close());
  const channel = rpcControllerChannel(() => ({ host: '127.0.0.1', port: broker.port }), {
    clientId: 'test',
    requestTimeoutMs: 10_000,
  });
  const request = {
    brokerId: 1,
    brokerEpoch: -1n,
    topics: [],
  };
  // Leaders propose the ISR changes of several partitions in the same instant.
  const answers = await Promise.all([1, 2, 3, 4, 5].map(() => channel.alterPartition(request)));
  assert.equal(answers.length, 5);
  assert.equal(broker.network().connections, 1, 'one connection to the controller');
  channel.close();
  await waitFor('the channel connection closed', () => broker.network().connections === 0);
  await assert.rejects(channel.alterPartition(request), /closed/);
  assert.equal(broker.network().connections, 0);
});
