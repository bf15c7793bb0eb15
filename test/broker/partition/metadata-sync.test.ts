// The replica manager follows the metadata image at run time: config changes apply to the
// partitions at once, new partitions take writes, deleted topics lose their logs, whichever
// writer made the change.
import { after, test as nodeTest } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startBroker, type Broker } from '../../../src/index.js';
import { ClusterMetadata, MemoryMetadataLogStore } from '../../../src/metadata/index.js';
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

test("another writer's topics reach the partitions through the watch, as the broker's own do", async () => {
  const store = new MemoryMetadataLogStore();
  const b = await startBroker({ port: 0, metadataStore: store });
  brokers.push(b);
  // A second controller on its own connection to the same log: a writer the broker never hears
  // from except through the store.
  const other = await ClusterMetadata.open({ store: store.connect(), nodeId: b.nodeId });
  const client = await ProtocolClient.connect(b.port);
  const produce = async (topic: string, index: number) => {
    const res = await client.request(0, 9, produceBody(topic, [{ index, records: batch(['x']) }]));
    return res.responses[0].partitionResponses[0].errorCode as number;
  };
  const [created] = await other.createTopics([
    { name: 'elsewhere', numPartitions: 2, replicationFactor: 1 },
  ]);
  assert.equal(created!.errorCode, ErrorCode.NONE);
  // The broker's own next operation commits after the other one in the log, so once it is
  // answered the broker has applied both (catching up on a conflict if it had to).
  await createTopic(client, 'barrier-1');
  assert.equal(await produce('elsewhere', 1), ErrorCode.NONE);

  const [deleted] = await other.deleteTopics([created!.topic!.topicId]);
  assert.equal(deleted!.errorCode, ErrorCode.NONE);
  await createTopic(client, 'barrier-2');
  assert.equal(await produce('elsewhere', 0), ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  assert.equal(existsSync(join(b.dataDir, 'elsewhere-0')), false);
  client.close();
  await other.close();
});
