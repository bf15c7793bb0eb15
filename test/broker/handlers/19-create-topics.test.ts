import assert from 'node:assert/strict';
import { ErrorCode, ZERO_UUID } from '../../../src/protocol/index.js';
import { listTopics, setup, test } from './harness.js';

const topic = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  numPartitions: -1,
  replicationFactor: -1,
  assignments: [],
  configs: [],
  ...extra,
});
const create = (topics: unknown[], validateOnly = false) => ({
  topics,
  timeoutMs: 5000,
  validateOnly,
});

test('CreateTopics v7: defaults, configs, assignments and the created topic in the answer', async () => {
  const { client } = await setup({ config: { 'num.partitions': 2 } });
  const res = await client.request(
    19,
    7,
    create([
      topic('plain'),
      topic('tuned', {
        numPartitions: 4,
        replicationFactor: 1,
        configs: [{ name: 'retention.ms', value: '1000' }],
      }),
      topic('placed', {
        assignments: [
          { partitionIndex: 1, brokerIds: [1] },
          { partitionIndex: 0, brokerIds: [1] },
        ],
      }),
    ]),
  );
  assert.deepEqual(
    res.topics.map((t: { name: string; errorCode: number; numPartitions: number }) => [
      t.name,
      t.errorCode,
      t.numPartitions,
    ]),
    [
      ['plain', 0, 2],
      ['tuned', 0, 4],
      ['placed', 0, 2],
    ],
  );
  assert.ok(res.topics.every((t: { topicId: string }) => t.topicId !== ZERO_UUID));
  const retention = res.topics[1].configs.find((c: { name: string }) => c.name === 'retention.ms');
  assert.deepEqual([retention.value, retention.configSource], ['1000', 1]);
  assert.deepEqual(await listTopics(client), { placed: 2, plain: 2, tuned: 4 });
});

test('CreateTopics errors are per topic; validate_only creates nothing', async () => {
  const { client } = await setup();
  await client.request(19, 4, create([topic('exists')]));
  const res = await client.request(
    19,
    4,
    create([
      topic('exists'),
      topic('bad/name'),
      topic('zero', { numPartitions: 0 }),
      topic('rf', { replicationFactor: 3 }),
      topic('cfg', { configs: [{ name: 'retention.ms', value: 'soon' }] }),
      topic('unknown-cfg', { configs: [{ name: 'no.such', value: '1' }] }),
      topic('both', { numPartitions: 1, assignments: [{ partitionIndex: 0, brokerIds: [1] }] }),
      topic('gap', { assignments: [{ partitionIndex: 1, brokerIds: [1] }] }),
      topic('nobroker', { assignments: [{ partitionIndex: 0, brokerIds: [9] }] }),
      topic('twice'),
      topic('twice'),
    ]),
  );
  assert.deepEqual(
    res.topics.map((t: { name: string; errorCode: number }) => [t.name, t.errorCode]),
    [
      ['exists', ErrorCode.TOPIC_ALREADY_EXISTS],
      ['bad/name', ErrorCode.INVALID_TOPIC_EXCEPTION],
      ['zero', ErrorCode.INVALID_PARTITIONS],
      ['rf', ErrorCode.INVALID_REPLICATION_FACTOR],
      ['cfg', ErrorCode.INVALID_CONFIG],
      ['unknown-cfg', ErrorCode.INVALID_CONFIG],
      ['both', ErrorCode.INVALID_REQUEST],
      ['gap', ErrorCode.INVALID_REPLICA_ASSIGNMENT],
      ['nobroker', ErrorCode.INVALID_REPLICA_ASSIGNMENT],
      ['twice', ErrorCode.INVALID_REQUEST],
    ],
  );
  const dry = await client.request(19, 2, create([topic('dry')], true));
  assert.equal(dry.topics[0].errorCode, ErrorCode.NONE);
  assert.deepEqual(await listTopics(client), { exists: 1 });
});
