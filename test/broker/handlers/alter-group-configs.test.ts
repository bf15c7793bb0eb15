// GROUP config resources (KIP-848 group configs) through DescribeConfigs,
// IncrementalAlterConfigs and AlterConfigs, and their use by the consumer group coordinator.
import assert from 'node:assert/strict';
import { ErrorCode } from '../../../src/protocol/index.js';
import { setup, test } from './harness.js';
import { ProtocolClient } from '../../support/protocol-client.js';

const GROUP = 32;
const [SET, DELETE, APPEND] = [0, 1, 2];
const GROUP_CONFIG = 8;
const DEFAULT_CONFIG = 5;

const op = (name: string, configOperation: number, value: string | null = null) => ({
  name,
  configOperation,
  value,
});

function alterGroup(client: ProtocolClient, groupId: string, configs: unknown[]) {
  return client
    .request(44, 1, {
      resources: [{ resourceType: GROUP, resourceName: groupId, configs }],
      validateOnly: false,
    })
    .then((r) => r.responses[0] as { errorCode: number; errorMessage: string | null });
}

async function describeGroup(client: ProtocolClient, groupId: string) {
  const res = await client.request(32, 4, {
    resources: [{ resourceType: GROUP, resourceName: groupId, configurationKeys: null }],
    includeSynonyms: true,
    includeDocumentation: false,
  });
  return res.results[0] as {
    errorCode: number;
    errorMessage: string | null;
    configs: {
      name: string;
      value: string;
      configSource: number;
      configType: number;
      synonyms: { name: string; value: string; source: number }[];
    }[];
  };
}

test('group configs: broker defaults, overrides, deletion and Kafka errors', async () => {
  const { client } = await setup({ config: { 'group.consumer.heartbeat.interval.ms': 6000 } });
  let described = await describeGroup(client, 'g1');
  assert.equal(described.errorCode, ErrorCode.NONE);
  assert.deepEqual(
    described.configs.map((c) => [c.name, c.value, c.configSource, c.configType]),
    [
      ['consumer.session.timeout.ms', '45000', DEFAULT_CONFIG, 3],
      ['consumer.heartbeat.interval.ms', '6000', DEFAULT_CONFIG, 3],
    ],
  );
  let r = await alterGroup(client, 'g1', [op('consumer.session.timeout.ms', SET, '50000')]);
  assert.equal(r.errorCode, ErrorCode.NONE, r.errorMessage ?? '');
  described = await describeGroup(client, 'g1');
  const session = described.configs.find((c) => c.name === 'consumer.session.timeout.ms')!;
  assert.deepEqual([session.value, session.configSource], ['50000', GROUP_CONFIG]);
  assert.deepEqual(session.synonyms, [
    { name: 'consumer.session.timeout.ms', value: '50000', source: GROUP_CONFIG },
  ]);
  // Another group is untouched; legacy AlterConfigs replaces the whole set.
  const other = await describeGroup(client, 'g2');
  assert.equal(other.configs[0]!.configSource, DEFAULT_CONFIG);
  const legacy = await client.request(33, 2, {
    resources: [
      {
        resourceType: GROUP,
        resourceName: 'g1',
        configs: [{ name: 'consumer.heartbeat.interval.ms', value: '7000' }],
      },
    ],
    validateOnly: false,
  });
  assert.equal(legacy.responses[0].errorCode, ErrorCode.NONE);
  described = await describeGroup(client, 'g1');
  assert.deepEqual(
    described.configs.map((c) => [c.value, c.configSource]),
    [
      ['45000', DEFAULT_CONFIG],
      ['7000', GROUP_CONFIG],
    ],
  );
  r = await alterGroup(client, 'g1', [op('consumer.heartbeat.interval.ms', DELETE)]);
  assert.equal(r.errorCode, ErrorCode.NONE);
  described = await describeGroup(client, 'g1');
  assert.ok(described.configs.every((c) => c.configSource === DEFAULT_CONFIG));

  const cases: [string, unknown[], number, string][] = [
    [
      'g1',
      [op('consumer.session.timeout.ms', SET, '1000')],
      ErrorCode.INVALID_CONFIG,
      'consumer.session.timeout.ms must be greater than or equal to group.consumer.min.session.timeout.ms',
    ],
    [
      'g1',
      [op('consumer.session.timeout.ms', SET, '70000')],
      ErrorCode.INVALID_CONFIG,
      'consumer.session.timeout.ms must be less than or equal to group.consumer.max.session.timeout.ms',
    ],
    [
      'g1',
      [op('consumer.heartbeat.interval.ms', SET, '100')],
      ErrorCode.INVALID_CONFIG,
      'consumer.heartbeat.interval.ms must be greater than or equal to group.consumer.min.heartbeat.interval.ms',
    ],
    [
      'g1',
      [op('no.such.config', SET, '1')],
      ErrorCode.INVALID_CONFIG,
      'Unknown group config name: no.such.config',
    ],
    [
      'g1',
      [op('consumer.session.timeout.ms', APPEND, '1')],
      ErrorCode.INVALID_CONFIG,
      'Config value append is not allowed for config key: consumer.session.timeout.ms',
    ],
    [
      '',
      [op('consumer.session.timeout.ms', SET, '50000')],
      ErrorCode.INVALID_REQUEST,
      'Default group resources are not allowed.',
    ],
  ];
  for (const [groupId, configs, code, message] of cases) {
    r = await alterGroup(client, groupId, configs);
    assert.deepEqual([r.errorCode, r.errorMessage], [code, message]);
  }
  const empty = await describeGroup(client, '');
  assert.deepEqual(
    [empty.errorCode, empty.errorMessage],
    [ErrorCode.INVALID_REQUEST, 'Group name must not be empty'],
  );
});

test('a consumer group gets its own heartbeat interval from its group config', async () => {
  const { client } = await setup({ config: { 'num.partitions': 1 } });
  const r = await alterGroup(client, 'cg-own', [op('consumer.heartbeat.interval.ms', SET, '9000')]);
  assert.equal(r.errorCode, ErrorCode.NONE, r.errorMessage ?? '');
  await client.request(3, 12, {
    topics: [{ name: 'gc-topic', topicId: '00000000-0000-0000-0000-000000000000' }],
    allowAutoTopicCreation: true,
    includeClusterAuthorizedOperations: false,
    includeTopicAuthorizedOperations: false,
  });
  const join = (groupId: string) =>
    client.request(68, 1, {
      groupId,
      memberId: 'm1',
      memberEpoch: 0,
      instanceId: null,
      rackId: null,
      rebalanceTimeoutMs: 30000,
      subscribedTopicNames: ['gc-topic'],
      subscribedTopicRegex: null,
      serverAssignor: null,
      topicPartitions: [],
    });
  const own = await join('cg-own');
  assert.deepEqual([own.errorCode, own.heartbeatIntervalMs], [ErrorCode.NONE, 9000]);
  const plain = await join('cg-plain');
  assert.deepEqual([plain.errorCode, plain.heartbeatIntervalMs], [ErrorCode.NONE, 5000]);
});
