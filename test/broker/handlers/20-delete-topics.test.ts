import assert from 'node:assert/strict';
import { ErrorCode, ZERO_UUID } from '../../../src/protocol/index.js';
import { createTopics, listTopics, setup, test } from './harness.js';

test('DeleteTopics by name (v1, v5) and by id (v6) with per-topic errors', async () => {
  const { client } = await setup();
  const ids = await createTopics(client, [{ name: 'a' }, { name: 'b' }, { name: 'c' }]);
  const v1 = await client.request(20, 1, {
    topics: [],
    topicNames: ['a', 'nope'],
    timeoutMs: 5000,
  });
  assert.deepEqual(
    v1.responses.map((r: { name: string; errorCode: number }) => [r.name, r.errorCode]),
    [
      ['a', ErrorCode.NONE],
      ['nope', ErrorCode.UNKNOWN_TOPIC_OR_PARTITION],
    ],
  );
  const unknownId = '12345678-1234-1234-1234-123456789abc';
  const v6 = await client.request(20, 6, {
    topics: [
      { name: null, topicId: ids.get('b') },
      { name: null, topicId: unknownId },
      { name: 'c', topicId: ids.get('c') },
    ],
    topicNames: [],
    timeoutMs: 5000,
  });
  assert.deepEqual(
    v6.responses.map((r: { name: string | null; errorCode: number }) => [r.name, r.errorCode]),
    [
      ['b', ErrorCode.NONE],
      [null, ErrorCode.UNKNOWN_TOPIC_ID],
      ['c', ErrorCode.INVALID_REQUEST],
    ],
  );
  assert.deepEqual(await listTopics(client), { c: 1 });
  const v5 = await client.request(20, 5, { topics: [], topicNames: ['c'], timeoutMs: 5000 });
  assert.equal(v5.responses[0].errorCode, ErrorCode.NONE);
  assert.equal(v5.responses[0].topicId, ZERO_UUID);
  assert.deepEqual(await listTopics(client), {});
});

test('DeleteTopics with delete.topic.enable=false is TOPIC_DELETION_DISABLED', async () => {
  const { client } = await setup({ config: { 'delete.topic.enable': false } });
  await createTopics(client, [{ name: 'kept' }]);
  const res = await client.request(20, 4, { topics: [], topicNames: ['kept'], timeoutMs: 0 });
  assert.equal(res.responses[0].errorCode, ErrorCode.TOPIC_DELETION_DISABLED);
  assert.deepEqual(await listTopics(client), { kept: 1 });
});

test('DeleteTopics refuses internal topics with INVALID_TOPIC_EXCEPTION, by name and by id', async () => {
  const { client } = await setup();
  // FindCoordinator creates __consumer_offsets.
  await client.request(10, 3, { key: 'g', keyType: 0, coordinatorKeys: [] });
  const offsetsPartitions = (await listTopics(client))['__consumer_offsets'];
  assert.ok(offsetsPartitions !== undefined && offsetsPartitions > 0);
  const meta = await client.request(3, 12, {
    topics: [{ name: '__consumer_offsets', topicId: ZERO_UUID }],
    allowAutoTopicCreation: false,
    includeClusterAuthorizedOperations: false,
    includeTopicAuthorizedOperations: false,
  });
  const id: string = meta.topics[0].topicId;
  const v5 = await client.request(20, 5, {
    topics: [],
    topicNames: ['__consumer_offsets'],
    timeoutMs: 5000,
  });
  assert.equal(v5.responses[0].errorCode, ErrorCode.INVALID_TOPIC_EXCEPTION);
  assert.equal(v5.responses[0].errorMessage, 'Cannot delete internal topic __consumer_offsets.');
  const v6 = await client.request(20, 6, {
    topics: [{ name: null, topicId: id }],
    topicNames: [],
    timeoutMs: 5000,
  });
  assert.deepEqual(
    [v6.responses[0].name, v6.responses[0].errorCode],
    ['__consumer_offsets', ErrorCode.INVALID_TOPIC_EXCEPTION],
  );
  assert.equal((await listTopics(client))['__consumer_offsets'], offsetsPartitions);
});
