// Dynamic broker configs through IncrementalAlterConfigs and AlterConfigs: stored in the
// metadata, applied at run time, described with their sources, refused for static keys.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { startBroker } from '../../../src/index.js';
import { ErrorCode } from '../../../src/protocol/index.js';
import { batch, produceBody } from './data-helpers.js';
import { createTopics, setup, test } from './harness.js';
import { ProtocolClient } from '../../support/protocol-client.js';
import { waitFor } from '../../support/wait.js';

const TOPIC = 2;
const BROKER = 4;
const [SET, DELETE, APPEND] = [0, 1, 2];
const DYNAMIC_BROKER_CONFIG = 2;
const DYNAMIC_DEFAULT_BROKER_CONFIG = 3;
const DEFAULT_CONFIG = 5;

const dirs: string[] = [];
after(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

const op = (name: string, configOperation: number, value: string | null = null) => ({
  name,
  configOperation,
  value,
});

function alterBroker(
  client: ProtocolClient,
  resourceName: string,
  configs: unknown[],
  validateOnly = false,
) {
  return client
    .request(44, 1, { resources: [{ resourceType: BROKER, resourceName, configs }], validateOnly })
    .then((r) => r.responses[0] as { errorCode: number; errorMessage: string | null });
}

interface Entry {
  name: string;
  value: string | null;
  configSource: number;
  readOnly: boolean;
  synonyms: { name: string; value: string; source: number }[];
}

async function describe(
  client: ProtocolClient,
  resourceType: number,
  resourceName: string,
  keys: string[] | null = null,
): Promise<Map<string, Entry>> {
  const res = await client.request(32, 4, {
    resources: [{ resourceType, resourceName, configurationKeys: keys }],
    includeSynonyms: true,
    includeDocumentation: false,
  });
  assert.equal(res.results[0].errorCode, ErrorCode.NONE, res.results[0].errorMessage);
  return new Map(res.results[0].configs.map((c: Entry) => [c.name, c]));
}

async function produceError(client: ProtocolClient, topic: string, size: number): Promise<number> {
  const res = await client.request(
    0,
    9,
    produceBody(topic, [{ index: 0, records: batch(['x'.repeat(size)]) }]),
  );
  return res.responses[0].partitionResponses[0].errorCode as number;
}

test('a cluster default and a per-broker value: sources, synonyms and describe of the default', async () => {
  const { client } = await setup();
  await createTopics(client, [{ name: 't' }]);
  let r = await alterBroker(client, '', [op('log.retention.ms', SET, '7200000')]);
  assert.equal(r.errorCode, ErrorCode.NONE, r.errorMessage ?? '');
  const topic = (await describe(client, TOPIC, 't', ['retention.ms'])).get('retention.ms')!;
  assert.deepEqual([topic.value, topic.configSource], ['7200000', DYNAMIC_DEFAULT_BROKER_CONFIG]);
  assert.deepEqual(
    topic.synonyms.map((s) => [s.name, s.value, s.source]),
    [
      ['log.retention.ms', '7200000', DYNAMIC_DEFAULT_BROKER_CONFIG],
      ['log.retention.hours', '168', DEFAULT_CONFIG],
    ],
  );
  // The cluster default resource lists only what is set there, as Kafka does.
  const defaults = await describe(client, BROKER, '');
  assert.deepEqual([...defaults.keys()], ['log.retention.ms']);
  assert.equal(defaults.get('log.retention.ms')!.configSource, DYNAMIC_DEFAULT_BROKER_CONFIG);

  r = await alterBroker(client, '1', [op('log.retention.ms', SET, '3600000')]);
  assert.equal(r.errorCode, ErrorCode.NONE, r.errorMessage ?? '');
  const own = (await describe(client, BROKER, '1', ['log.retention.ms'])).get('log.retention.ms')!;
  assert.deepEqual(
    [own.value, own.configSource, own.readOnly],
    ['3600000', DYNAMIC_BROKER_CONFIG, false],
  );
  assert.deepEqual(
    own.synonyms.map((s) => [s.value, s.source]),
    [
      ['3600000', DYNAMIC_BROKER_CONFIG],
      ['7200000', DYNAMIC_DEFAULT_BROKER_CONFIG],
      ['168', DEFAULT_CONFIG],
    ],
  );
  r = await alterBroker(client, '1', [op('log.retention.ms', DELETE)]);
  assert.equal(r.errorCode, ErrorCode.NONE);
  const back = (await describe(client, TOPIC, 't', ['retention.ms'])).get('retention.ms')!;
  assert.deepEqual([back.value, back.configSource], ['7200000', DYNAMIC_DEFAULT_BROKER_CONFIG]);
});

test('message.max.bytes changed at run time applies to topics without their own limit', async () => {
  const { client } = await setup();
  await createTopics(client, [
    { name: 'plain' },
    { name: 'own-limit', configs: { 'max.message.bytes': '1000000' } },
  ]);
  assert.equal(await produceError(client, 'plain', 2000), ErrorCode.NONE);
  const r = await alterBroker(client, '1', [op('message.max.bytes', SET, '1000')]);
  assert.equal(r.errorCode, ErrorCode.NONE, r.errorMessage ?? '');
  assert.equal(await produceError(client, 'plain', 2000), ErrorCode.MESSAGE_TOO_LARGE);
  assert.equal(await produceError(client, 'own-limit', 2000), ErrorCode.NONE);
  await alterBroker(client, '1', [op('message.max.bytes', DELETE)]);
  assert.equal(await produceError(client, 'plain', 2000), ErrorCode.NONE);
});

test('static keys, bad values and other brokers are refused with Kafka messages', async () => {
  const { client } = await setup();
  const cases: [string, unknown[], string][] = [
    ['1', [op('log.dirs', SET, '/x')], 'Cannot update these configs dynamically: Set(log.dirs)'],
    [
      '',
      [op('num.partitions', SET, '3')],
      'Cannot update these configs dynamically: Set(num.partitions)',
    ],
    [
      '1',
      [op('log.retention.ms', SET, 'soon')],
      'Invalid value soon for configuration log.retention.ms: expected an integer',
    ],
    ['2', [op('log.retention.ms', SET, '1')], 'Unexpected broker id, expected 1, but received 2'],
    ['one', [op('log.retention.ms', SET, '1')], 'Node id must be an integer, but it is: one'],
  ];
  for (const [name, configs, message] of cases) {
    const r = await alterBroker(client, name, configs);
    assert.deepEqual([r.errorCode, r.errorMessage], [ErrorCode.INVALID_REQUEST, message]);
  }
  // validate_only checks and stores nothing; APPEND works on list keys.
  let r = await alterBroker(client, '', [op('log.retention.ms', SET, '5')], true);
  assert.equal(r.errorCode, ErrorCode.NONE);
  assert.equal((await describe(client, BROKER, '')).size, 0);
  r = await alterBroker(client, '', [op('log.cleanup.policy', APPEND, 'compact')]);
  assert.equal(r.errorCode, ErrorCode.NONE);
  assert.equal(
    (await describe(client, BROKER, '')).get('log.cleanup.policy')!.value,
    'delete,compact',
  );
  // Legacy AlterConfigs replaces the resource's whole set.
  const legacy = await client.request(33, 2, {
    resources: [
      {
        resourceType: BROKER,
        resourceName: '',
        configs: [{ name: 'log.segment.bytes', value: '1048576' }],
      },
    ],
    validateOnly: false,
  });
  assert.equal(legacy.responses[0].errorCode, ErrorCode.NONE);
  assert.deepEqual([...(await describe(client, BROKER, '')).keys()], ['log.segment.bytes']);
});

test('dynamic broker configs are replayed when the broker starts again', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'rivulet-dyn-'));
  dirs.push(dataDir);
  let broker = await startBroker({ port: 0, dataDir });
  let client = await ProtocolClient.connect(broker.port);
  await createTopics(client, [{ name: 't' }]);
  const r = await alterBroker(client, '', [op('log.retention.ms', SET, '120000')]);
  assert.equal(r.errorCode, ErrorCode.NONE);
  client.close();
  await broker.close();
  broker = await startBroker({ port: 0, dataDir });
  client = await ProtocolClient.connect(broker.port);
  try {
    const entry = (await describe(client, TOPIC, 't', ['retention.ms'])).get('retention.ms')!;
    assert.deepEqual([entry.value, entry.configSource], ['120000', DYNAMIC_DEFAULT_BROKER_CONFIG]);
  } finally {
    client.close();
    await broker.close();
  }
});

test('a topic without its own retention follows a new cluster-wide log.retention.ms', async () => {
  const { client } = await setup({ config: { 'log.retention.check.interval.ms': 20 } });
  // Small segments so that old batches sit in closed segments retention may delete.
  await createTopics(client, [
    { name: 'aged', configs: { 'segment.bytes': '1024' } },
    { name: 'kept', configs: { 'segment.bytes': '1024', 'retention.ms': '-1' } },
  ]);
  const hourAgo = Date.now() - 3_600_000;
  for (const topic of ['aged', 'kept']) {
    for (let i = 0; i < 5; i++) {
      const records = batch([`old-${i}-${'x'.repeat(400)}`], { timestamp: hourAgo });
      const res = await client.request(0, 9, produceBody(topic, [{ index: 0, records }]));
      assert.equal(res.responses[0].partitionResponses[0].errorCode, ErrorCode.NONE);
    }
  }
  const earliest = async (topic: string): Promise<bigint> => {
    const res = await client.request(2, 7, {
      replicaId: -1,
      isolationLevel: 0,
      timeoutMs: 1000,
      topics: [
        {
          name: topic,
          partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -2n }],
        },
      ],
    });
    return res.topics[0].partitions[0].offset as bigint;
  };
  assert.equal(await earliest('aged'), 0n);
  const r = await alterBroker(client, '', [op('log.retention.ms', SET, '60000')]);
  assert.equal(r.errorCode, ErrorCode.NONE, r.errorMessage ?? '');
  // Retention runs every 20 ms; wait for it to act on the new default.
  await waitFor('retention to apply the new default', async () => (await earliest('aged')) > 0n);
  assert.ok((await earliest('aged')) > 0n);
  assert.equal(await earliest('kept'), 0n, 'its own retention.ms=-1 wins');
});
