// The servers the broker benchmarks compare, all built from the same network code: the null
// server (pre-encoded replies, no decoding), the stub (the generated codecs decode and encode
// every request, nothing is stored; it also answers ApiVersions/Metadata so librdkafka can
// use it) and the real broker.
import { startBroker, type Broker } from '../../../src/index.js';
import { nullHandler } from '../../../src/broker/server/index.js';
import { stubHandler } from '../../../test/interop/support/stub-handler.js';
import { ProtocolClient } from '../../../test/support/protocol-client.js';
import type { CreateTopicsResponse } from '../../../src/protocol/index.js';

export function startNullServer(body: Buffer): Promise<Broker> {
  return startBroker({ port: 0, handler: nullHandler(body) });
}

export async function startStubServer(partitions: number): Promise<Broker> {
  let port = 0;
  const handler = stubHandler({ address: () => ({ host: '127.0.0.1', port }), partitions });
  const broker = await startBroker({ port: 0, handler });
  port = broker.port;
  return broker;
}

/** Creates the topic through the broker's API; returns why not when the broker cannot. */
export async function createTopic(
  port: number,
  topic: string,
  partitions: number,
): Promise<string | null> {
  let conn: ProtocolClient | null = null;
  try {
    conn = await ProtocolClient.connect(port);
    const response = await conn.request<CreateTopicsResponse>(19, 7, {
      topics: [
        {
          name: topic,
          numPartitions: partitions,
          replicationFactor: 1,
          assignments: [],
          configs: [],
        },
      ],
      timeoutMs: 10_000,
      validateOnly: false,
    });
    const code = response.topics[0]?.errorCode;
    return code === 0 || code === 36 ? null : `CreateTopics error ${code}`;
  } catch (err) {
    return `CreateTopics failed: ${(err as Error).message}`;
  } finally {
    conn?.socket.destroy();
  }
}

export const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');
