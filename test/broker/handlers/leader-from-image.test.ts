// The data-path handlers ask the replica manager whether this node leads a partition and the
// metadata image who does: a partition this node follows answers NOT_LEADER_OR_FOLLOWER with
// the image's leader and leader epoch as the current leader (Produce v10+, Fetch v12+).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MetadataRecordType } from '../../../src/metadata/index.js';
import { ErrorCode } from '../../../src/protocol/index.js';
import { openInProcessBroker } from './in-process-broker.js';
import { call } from './frame-call.js';
import { batch, fetchBody, produceBody } from './data-helpers.js';

test('a partition led by another broker answers NOT_LEADER_OR_FOLLOWER with the image leader', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rivulet-leader-'));
  const broker = await openInProcessBroker(dir);
  try {
    // Broker 2 takes the leadership of a-0 (leader epoch 0 -> 1); this node (1) follows.
    const [changed] = broker.metadata.image.replay([
      {
        type: MetadataRecordType.PartitionChange,
        value: {
          partitionId: 0,
          topicId: broker.topicId,
          isr: [1, 2],
          leader: 2,
          replicas: [1, 2],
          removingReplicas: null,
          addingReplicas: null,
          leaderRecoveryState: -1,
          directories: null,
          eligibleLeaderReplicas: null,
          lastKnownElr: null,
        },
      },
    ]);
    assert.equal(changed?.type, 'partitions-changed');
    const image = broker.metadata.image.topic('a')!.partitions[0]!;
    await broker.data.replicas.ensurePartition({
      topic: 'a',
      partition: 0,
      topicId: broker.topicId,
      leaderEpoch: image.leaderEpoch,
      leader: image.leader,
      replicas: image.replicas,
      isr: image.isr,
    });
    const expected = { leaderId: 2, leaderEpoch: 1 };

    const produced = await call(
      broker,
      0,
      10,
      produceBody('a', [
        { index: 0, records: batch(['x']) },
        { index: 1, records: batch(['y']) },
      ]),
    );
    const [p0, p1] = produced.responses[0].partitionResponses;
    assert.equal(p0.errorCode, ErrorCode.NOT_LEADER_OR_FOLLOWER);
    assert.deepEqual(p0.currentLeader, expected);
    assert.equal(p1.errorCode, ErrorCode.NONE, 'this node still leads a-1');

    const fetched = await call(broker, 1, 12, fetchBody('a', [{ partition: 0, fetchOffset: 0 }]));
    const f0 = fetched.responses[0].partitions[0];
    assert.equal(f0.errorCode, ErrorCode.NOT_LEADER_OR_FOLLOWER);
    assert.deepEqual(f0.currentLeader, expected);
    const fenced = await call(
      broker,
      1,
      12,
      fetchBody('a', [{ partition: 0, fetchOffset: 0, currentLeaderEpoch: 0 }]),
    );
    assert.equal(fenced.responses[0].partitions[0].errorCode, ErrorCode.FENCED_LEADER_EPOCH);
    assert.deepEqual(fenced.responses[0].partitions[0].currentLeader, expected);

    const listed = await call(broker, 2, 4, {
      replicaId: -1,
      isolationLevel: 0,
      topics: [
        {
          name: 'a',
          partitions: [
            { partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -1n, maxNumOffsets: 1 },
          ],
        },
      ],
      timeoutMs: 0,
    });
    assert.equal(listed.topics[0].partitions[0].errorCode, ErrorCode.NOT_LEADER_OR_FOLLOWER);

    const epochs = await call(broker, 23, 4, {
      replicaId: -1,
      topics: [
        { topic: 'a', partitions: [{ partition: 0, currentLeaderEpoch: 1, leaderEpoch: 0 }] },
      ],
    });
    assert.equal(epochs.topics[0].partitions[0].errorCode, ErrorCode.NOT_LEADER_OR_FOLLOWER);
  } finally {
    await broker.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
