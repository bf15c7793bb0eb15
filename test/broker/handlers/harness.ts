// A broker and a protocol client per test, both closed after the file's tests.
import { after, test as nodeTest } from 'node:test';
import { startBroker, type Broker, type StartBrokerOptions } from '../../../src/index.js';
import { ZERO_UUID } from '../../../src/protocol/index.js';
import { ProtocolClient } from '../../support/protocol-client.js';

/** A test bounded in time, so a failure fails rather than hangs. */
export const test = (name: string, fn: () => Promise<void>) =>
  nodeTest(name, { timeout: 10000 }, fn);

const open: { close(): Promise<void> | void }[] = [];
after(async () => {
  for (const o of open.splice(0).reverse()) await o.close();
});

export async function setup(
  options: StartBrokerOptions = {},
): Promise<{ broker: Broker; client: ProtocolClient }> {
  const broker = await startBroker({ port: 0, ...options });
  open.push(broker);
  const client = await ProtocolClient.connect(broker.port);
  open.push(client);
  return { broker, client };
}

/** Creates topics through CreateTopics v7, resolving with their ids by name. */
export async function createTopics(
  client: ProtocolClient,
  topics: { name: string; partitions?: number; configs?: Record<string, string> }[],
): Promise<Map<string, string>> {
  const res = await client.request(19, 7, {
    topics: topics.map((t) => ({
      name: t.name,
      numPartitions: t.partitions ?? 1,
      replicationFactor: -1,
      assignments: [],
      configs: Object.entries(t.configs ?? {}).map(([name, value]) => ({ name, value })),
    })),
    timeoutMs: 5000,
    validateOnly: false,
  });
  const ids = new Map<string, string>();
  for (const t of res.topics) {
    if (t.errorCode !== 0) throw new Error(`creating ${t.name}: ${t.errorCode} ${t.errorMessage}`);
    ids.set(t.name, t.topicId);
  }
  return ids;
}

/** Topic names and partition counts from Metadata v12. */
export async function listTopics(client: ProtocolClient): Promise<Record<string, number>> {
  const res = await client.request(3, 12, {
    topics: null,
    allowAutoTopicCreation: false,
    includeClusterAuthorizedOperations: false,
    includeTopicAuthorizedOperations: false,
  });
  return Object.fromEntries(
    res.topics.map((t: { name: string; partitions: unknown[] }) => [t.name, t.partitions.length]),
  );
}

export { ZERO_UUID };
