// The follower replays what the store's watch delivers, one batch at a time, and tells its
// subscribers; waiters hear when it can follow no more.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  MemoryMetadataLogStore,
  MetadataFollower,
  MetadataRecordType,
  encodeMetadataBatch,
  type MetadataChange,
  type MetadataLogStore,
} from '../../src/metadata/index.js';

function topicBatch(name: string, topicId: string): Buffer {
  return encodeMetadataBatch([{ type: MetadataRecordType.Topic, value: { name, topicId } }], 0);
}

const ID_1 = '00000000-0000-4000-8000-000000000001';
const ID_2 = '00000000-0000-4000-8000-000000000002';

test('a subscriber sees the image as its own batch left it, never a later one', async () => {
  const store = new MemoryMetadataLogStore();
  await store.append(topicBatch('before', ID_1));
  const follower = await MetadataFollower.open({ store });
  assert.ok(follower.image.topic('before'), 'the stored log is replayed at open');
  const seen: string[] = [];
  follower.subscribe((change: MetadataChange) => {
    if (change.type !== 'topic-created') return;
    seen.push(
      `${change.topic.name}: ${follower.image
        .topics()
        .map((t) => t.name)
        .join(',')}`,
    );
  });
  // Appended in the same turn, both batches are delivered together; the second still waits
  // for the first one's subscribers before it touches the image.
  await Promise.all([
    store.append(topicBatch('one', '00000000-0000-4000-8000-000000000011')),
    store.append(topicBatch('two', ID_2)),
  ]);
  await follower.waitFor(store.logEndOffset - 1);
  assert.deepEqual(seen, ['one: before,one', 'two: before,one,two']);
  assert.equal(follower.nextOffset, 3);
  await follower.close();
});

test('when the watch fails, waiting for an offset rejects instead of hanging', async () => {
  const memory = new MemoryMetadataLogStore();
  let fail: (err: unknown) => void = () => assert.fail('not watched');
  const store: MetadataLogStore = {
    readAll: () => memory.readAll(),
    append: (batch, options) => memory.append(batch, options),
    watch: (fromOffset, listener, options) => {
      fail = (err) => options?.onError?.(err);
      return memory.watch(fromOffset, listener, options);
    },
    close: () => memory.close(),
  };
  const follower = await MetadataFollower.open({ store });
  const waiting = follower.waitFor(5);
  fail(new Error('the watch was cancelled'));
  await assert.rejects(waiting, /the watch was cancelled/);
  await assert.rejects(follower.waitFor(6), /the watch was cancelled/);
  await follower.close();
});
