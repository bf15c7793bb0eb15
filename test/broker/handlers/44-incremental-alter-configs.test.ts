import assert from 'node:assert/strict';
import { ErrorCode } from '../../../src/protocol/index.js';
import { createTopics, setup, test } from './harness.js';

const TOPIC = 2;
const [SET, DELETE, APPEND, SUBTRACT] = [0, 1, 2, 3];

test('IncrementalAlterConfigs SET, DELETE, APPEND and SUBTRACT; errors per resource', async () => {
  const { client } = await setup();
  await createTopics(client, [{ name: 't', configs: { 'retention.ms': '1000' } }]);
  const alter = (configs: unknown[], resourceName = 't') =>
    client.request(44, 1, {
      resources: [{ resourceType: TOPIC, resourceName, configs }],
      validateOnly: false,
    });
  const op = (name: string, configOperation: number, value: string | null = null) => ({
    name,
    configOperation,
    value,
  });
  let res = await alter([
    op('segment.bytes', SET, '200000'),
    op('retention.ms', DELETE),
    op('cleanup.policy', APPEND, 'compact'),
  ]);
  assert.equal(res.responses[0].errorCode, ErrorCode.NONE);
  const describe = async () => {
    const d = await client.request(32, 4, {
      resources: [{ resourceType: TOPIC, resourceName: 't', configurationKeys: null }],
      includeSynonyms: false,
      includeDocumentation: false,
    });
    return Object.fromEntries(
      d.results[0].configs
        .filter((c: { configSource: number }) => c.configSource === 1)
        .map((c: { name: string; value: string }) => [c.name, c.value]),
    );
  };
  assert.deepEqual(await describe(), {
    'cleanup.policy': 'delete,compact',
    'segment.bytes': '200000',
  });
  res = await alter([op('cleanup.policy', SUBTRACT, 'delete')]);
  assert.equal(res.responses[0].errorCode, ErrorCode.NONE);
  assert.equal((await describe())['cleanup.policy'], 'compact');
  const errors = await Promise.all([
    alter([op('retention.ms', APPEND, '5')]),
    alter([op('retention.ms', SET, '1'), op('retention.ms', DELETE)]),
    alter([op('retention.ms', 9, '1')]),
    alter([op('retention.ms', SET, 'x')]),
    alter([op('retention.ms', SET, '1')], 'missing'),
  ]);
  assert.deepEqual(
    errors.map((r) => r.responses[0].errorCode),
    [
      ErrorCode.INVALID_CONFIG,
      ErrorCode.INVALID_REQUEST,
      ErrorCode.INVALID_REQUEST,
      ErrorCode.INVALID_CONFIG,
      ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
    ],
  );
});
