// Where a follower cuts its log, from the leader's OffsetForLeaderEpoch answer, in each of
// Kafka's cases.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Partition } from '../../../src/broker/partition/partition.js';
import { truncationOffset } from '../../../src/broker/partition/replica-fetcher.js';

/** A follower with epochs 0 (from 0), 2 (from 10), 4 (from 20) and log end 30. */
function follower(highWatermark = 12): Partition {
  const starts = [
    { epoch: 0, startOffset: 0 },
    { epoch: 2, startOffset: 10 },
    { epoch: 4, startOffset: 20 },
  ];
  return {
    logEndOffset: 30,
    highWatermark,
    epochs: { latestEpoch: 4 },
    endOffsetForEpoch(epoch: number) {
      if (epoch === 4) return { epoch: 4, endOffset: 30 };
      const next = starts.find((e) => e.epoch > epoch);
      const floor = [...starts].reverse().find((e) => e.epoch <= epoch);
      if (next === undefined) return { epoch: -1, endOffset: -1 };
      return { epoch: floor?.epoch ?? epoch, endOffset: next.startOffset };
    },
  } as unknown as Partition;
}

test('the leader has our latest epoch: keep up to where it ended there', () => {
  assert.equal(truncationOffset(follower(), 4, 25), 25);
  // The leader's epoch went on past our end: nothing to cut.
  assert.equal(truncationOffset(follower(), 4, 50), 30);
});

test('the leader answers an older epoch: keep up to where that epoch ended on both sides', () => {
  // Our epoch 4 is unknown to the leader; its largest epoch at or below is 2, ending at 18.
  assert.equal(truncationOffset(follower(), 2, 18), 18);
  // Epoch 2 ended at 20 here, before the leader's end of it: keep our own end of it.
  assert.equal(truncationOffset(follower(), 2, 26), 20);
});

test('no common epoch: keep what was committed (the high watermark)', () => {
  assert.equal(truncationOffset(follower(12), -1, -1), 12);
});
