// Helpers for running topologies against a broker: produce input records, read an output
// topic from the start (optionally read_committed), and run the same inputs through the
// TopologyTestDriver for comparison.
import { Admin, Consumer, Producer, type ConsumerRecord } from '../../../src/client/index.js';
import { TopologyTestDriver, type Topology } from '../../../src/streams/index.js';
import { take } from '../../client/support/take.js';

export interface Input {
  topic: string;
  key: Buffer | null;
  value: Buffer | null;
  timestamp: number;
}

export async function createTopics(
  bootstrap: string,
  topics: Record<string, number>,
): Promise<void> {
  const admin = new Admin({ bootstrapServers: bootstrap });
  await admin.connect();
  try {
    const r = await admin.createTopics(
      Object.entries(topics).map(([name, numPartitions]) => ({ name, numPartitions })),
    );
    for (const t of r) if (t.errorCode !== 0) throw new Error(`create ${t.name}: ${t.errorCode}`);
  } finally {
    admin.close();
  }
}

export async function produce(bootstrap: string, inputs: readonly Input[]): Promise<void> {
  const producer = new Producer({ bootstrapServers: bootstrap });
  await producer.connect();
  // One at a time, so the log order is the list order.
  for (const i of inputs) await producer.send(i);
  await producer.close();
}

export async function readTopic(
  bootstrap: string,
  topic: string,
  count: number,
  options: { readCommitted?: boolean; partitions?: number } = {},
): Promise<ConsumerRecord[]> {
  const consumer = new Consumer({
    bootstrapServers: bootstrap,
    isolationLevel: options.readCommitted === true ? 'read_committed' : 'read_uncommitted',
  });
  await consumer.connect();
  consumer.assign(
    Array.from({ length: options.partitions ?? 1 }, (_, partition) => ({
      topic,
      partition,
      offset: 'earliest' as const,
    })),
  );
  try {
    return await take(consumer.records(), count);
  } finally {
    consumer.close();
  }
}

/** The driver's output for the same inputs, as raw records per topic. */
export function driverOutput(topology: Topology, inputs: readonly Input[], outputTopic: string) {
  const driver = new TopologyTestDriver(topology);
  for (const i of inputs) driver.pipe(i.topic, i.key, i.value, i.timestamp);
  return driver.readOutput(outputTopic);
}
