import assert from 'node:assert/strict';
import { ErrorCode } from '../../../src/protocol/index.js';
import { ProtocolClient } from '../../support/protocol-client.js';
import { createTopics, setup, test } from './harness.js';

const TOPIC = 2;
const BROKER = 4;

async function overrides(client: ProtocolClient, topic: string): Promise<Record<string, string>> {
  const res = await client.request(32, 4, {
    resources: [{ resourceType: TOPIC, resourceName: topic, configurationKeys: null }],
    includeSynonyms: false,
    includeDocumentation: false,
  });
  return Object.fromEntries(
    res.results[0].configs
      .filter((c: { configSource: number }) => c.configSource === 1)
      .map((c: { name: string; value: string }) => [c.name, c.value]),
  );
}

test('AlterConfigs replaces the whole set of topic overrides; errors per resource', async () => {
  const { client } = await setup();
  await createTopics(client, [
    { name: 't', configs: { 'retention.ms': '1000', 'segment.bytes': '100000' } },
  ]);
  const alter = (resources: unknown[], validateOnly = false) =>
    client.request(33, 2, { resources, validateOnly });
  const res = await alter([
    {
      resourceType: TOPIC,
      resourceName: 't',
      configs: [{ name: 'cleanup.policy', value: 'compact' }],
    },
    { resourceType: TOPIC, resourceName: 'missing', configs: [] },
    { resourceType: BROKER, resourceName: '1', configs: [{ name: 'num.partitions', value: '2' }] },
  ]);
  assert.deepEqual(
    res.responses.map((r: { errorCode: number }) => r.errorCode),
    [ErrorCode.NONE, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, ErrorCode.INVALID_REQUEST],
  );
  assert.deepEqual(await overrides(client, 't'), { 'cleanup.policy': 'compact' });
  const bad = await alter([
    { resourceType: TOPIC, resourceName: 't', configs: [{ name: 'retention.ms', value: 'x' }] },
  ]);
  assert.equal(bad.responses[0].errorCode, ErrorCode.INVALID_CONFIG);
  const dry = await alter(
    [{ resourceType: TOPIC, resourceName: 't', configs: [{ name: 'retention.ms', value: '5' }] }],
    true,
  );
  assert.equal(dry.responses[0].errorCode, ErrorCode.NONE);
  assert.deepEqual(await overrides(client, 't'), { 'cleanup.policy': 'compact' });
});
