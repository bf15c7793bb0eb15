// The replica manager follows the metadata image at run time: config changes apply to the
// partitions at once, new partitions take writes, deleted topics lose their logs.
import { after, test as nodeTest } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startBroker, type Broker } from '../../../src/index.js';
import { ErrorCode } from '../../../src/protocol/index.js';
import { ProtocolClient } from '../../support/protocol-client.js';
import { batch, createTopic, produceBody } from '../handlers/data-helpers.js';

const test = (name: string, fn: () => Promise<void>) => nodeTest(name, { timeout: 10000 }, fn);
const brokers: Broker[] = [];
after(() => Promise.all(brokers.map((b) => b.close())));

test('altered configs, added partitions and deleted topics reach the partitions', async () => {
  const b = await startBroker({ port: 0 });
  brokers.push(b);
  const client = await ProtocolClient.connect(b.port);
  await createTopic(client, 'm');
  const produce = async (index: number, size: number) => {
    const res = await client.request(
      0,
      9,
      produceBody('m', [{ index, records: batch(['x'.repeat(size)]) }]),
    );
    return res.responses[0].partitionResponses[0].errorCode as number;
  };
  assert.equal(await produce(0, 500), ErrorCode.NONE);
  const alter = await client.request(44, 1, {
    resources: [
      {
        resourceType: 2,
        resourceName: 'm',
        configs: [{ name: 'max.message.bytes', configOperation: 0, value: '200' }],
      },
    ],
    validateOnly: false,
  });
  assert.equal(alter.responses[0].errorCode, ErrorCode.NONE);
  assert.equal(await produce(0, 500), ErrorCode.MESSAGE_TOO_LARGE);

  assert.equal(await produce(1, 10), ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  const grown = await client.request(37, 3, {
    topics: [{ name: 'm', count: 2, assignments: null }],
    timeoutMs: 5000,
    validateOnly: false,
  });
  assert.equal(grown.results[0].errorCode, ErrorCode.NONE);
  assert.equal(await produce(1, 10), ErrorCode.NONE);

  const deleted = await client.request(20, 4, { topics: [], topicNames: ['m'], timeoutMs: 5000 });
  assert.equal(deleted.responses[0].errorCode, ErrorCode.NONE);
  assert.equal(await produce(0, 10), ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  assert.equal(existsSync(join(b.dataDir, 'm-0')), false);
  client.close();
});
