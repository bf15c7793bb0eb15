import assert from 'node:assert/strict';
import { ErrorCode, ZERO_UUID } from '../../../src/protocol/index.js';
import { setup, test } from './harness.js';

test('DescribeQuorum v0-2: this node is the only voter and leads the metadata log', async () => {
  const { broker, client } = await setup();
  const ask = (version: number, topicName: string, partitionIndex: number) =>
    client.request(55, version, { topics: [{ topicName, partitions: [{ partitionIndex }] }] });
  let previous = -1n;
  for (const version of [2, 1, 0]) {
    const res = await ask(version, '__cluster_metadata', 0);
    assert.equal(res.errorCode, ErrorCode.NONE);
    const p = res.topics[0].partitions[0];
    assert.equal(p.errorCode, ErrorCode.NONE);
    assert.equal(p.leaderId, 1);
    assert.equal(p.leaderEpoch, 0);
    assert.ok(p.highWatermark > 0n);
    assert.ok(p.highWatermark >= previous, `v${version}`);
    previous = p.highWatermark;
    assert.equal(p.currentVoters.length, 1);
    assert.equal(p.currentVoters[0].replicaId, 1);
    assert.equal(p.currentVoters[0].logEndOffset, p.highWatermark);
    assert.deepEqual(p.observers, []);
    if (version >= 1) {
      assert.equal(p.currentVoters[0].lastFetchTimestamp, -1n);
      assert.equal(p.currentVoters[0].lastCaughtUpTimestamp, -1n);
    }
    if (version >= 2) {
      assert.equal(p.currentVoters[0].replicaDirectoryId, ZERO_UUID);
      assert.deepEqual(
        res.nodes.map((n: { nodeId: number; listeners: { port: number }[] }) => [
          n.nodeId,
          n.listeners.map((l) => l.port),
        ]),
        [[1, [broker.port]]],
      );
    }
  }
  const other = await ask(2, 'orders', 0);
  assert.equal(other.topics[0].partitions[0].errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  const second = await ask(2, '__cluster_metadata', 1);
  assert.equal(second.topics[0].partitions[0].errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
});
