import assert from 'node:assert/strict';
import { ErrorCode } from '../../../src/protocol/index.js';
import { createTopics, setup, test } from './harness.js';

const TOPIC = 2;
const BROKER = 4;
const describe = (resources: unknown[], includeSynonyms = false, includeDocumentation = false) => ({
  resources,
  includeSynonyms,
  includeDocumentation,
});
type Entry = {
  name: string;
  value: string | null;
  configSource: number;
  readOnly: boolean;
  configType: number;
  documentation: string | null;
  synonyms: { name: string; value: string | null; source: number }[];
};

test('DescribeConfigs on a topic: sources, synonyms, types and documentation (v4)', async () => {
  const { client } = await setup({ config: { 'log.retention.hours': 48 } });
  await createTopics(client, [{ name: 't', configs: { 'cleanup.policy': 'compact' } }]);
  const res = await client.request(
    32,
    4,
    describe(
      [
        { resourceType: TOPIC, resourceName: 't', configurationKeys: null },
        {
          resourceType: TOPIC,
          resourceName: 't',
          configurationKeys: ['retention.ms', 'no.such.key'],
        },
      ],
      true,
      true,
    ),
  );
  const [all, some] = res.results;
  assert.equal(all.errorCode, ErrorCode.NONE);
  const byName = new Map<string, Entry>(all.configs.map((c: Entry) => [c.name, c]));
  const policy = byName.get('cleanup.policy')!;
  assert.deepEqual([policy.value, policy.configSource, policy.readOnly], ['compact', 1, false]);
  assert.equal(policy.configType, 7); // LIST
  assert.ok(policy.documentation !== null && policy.documentation.length > 0);
  // As in Kafka, synonyms of retention.ms start at log.retention.ms, which is unset here.
  const retention = byName.get('retention.ms')!;
  assert.deepEqual([retention.value, retention.configSource], [String(48 * 3600000), 5]);
  assert.deepEqual(retention.synonyms, []);
  const segment = byName.get('segment.bytes')!;
  assert.deepEqual(
    segment.synonyms.map((s) => [s.name, s.value, s.source]),
    [['log.segment.bytes', '1073741824', 5]],
  );
  for (const name of [
    'leader.replication.throttled.replicas',
    'follower.replication.throttled.replicas',
  ]) {
    const throttled = byName.get(name);
    assert.deepEqual(
      [throttled?.value, throttled?.configSource, throttled?.configType],
      ['', 5, 7],
      name,
    );
  }
  assert.deepEqual(
    some.configs.map((c: Entry) => c.name),
    ['retention.ms'],
  );
});

test('DescribeConfigs v1: no types or documentation; synonyms only when asked', async () => {
  const { client } = await setup();
  await createTopics(client, [{ name: 't' }]);
  const res = await client.request(
    32,
    1,
    describe([{ resourceType: TOPIC, resourceName: 't', configurationKeys: ['segment.bytes'] }]),
  );
  const [entry] = res.results[0].configs;
  assert.deepEqual(
    [entry.name, entry.value, entry.configSource],
    ['segment.bytes', '1073741824', 5],
  );
  assert.deepEqual(entry.synonyms, []);
});

test('DescribeConfigs on the broker and on unknown resources', async () => {
  const { client } = await setup({ config: { 'num.partitions': 3 } });
  const res = await client.request(
    32,
    2,
    describe([
      {
        resourceType: BROKER,
        resourceName: '1',
        configurationKeys: ['num.partitions', 'log.dirs'],
      },
      { resourceType: BROKER, resourceName: '7', configurationKeys: null },
      { resourceType: TOPIC, resourceName: 'missing', configurationKeys: null },
      { resourceType: TOPIC, resourceName: 'bad name', configurationKeys: null },
    ]),
  );
  assert.deepEqual(
    res.results.map((r: { errorCode: number }) => r.errorCode),
    [
      ErrorCode.NONE,
      ErrorCode.INVALID_REQUEST,
      ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
      ErrorCode.INVALID_TOPIC_EXCEPTION,
    ],
  );
  const partitions = res.results[0].configs.find((c: Entry) => c.name === 'num.partitions');
  assert.deepEqual(
    [partitions.value, partitions.configSource, partitions.readOnly],
    ['3', 4, true],
  );
});
