// Shared steps of the data-path handler tests: create a topic through Metadata auto-creation,
// build batches, produce and fetch with the generated codecs over a real socket.
import {
  encodeRecordBatchSync,
  splitRecordBatches,
  decodeRecordBatchSync,
} from '../../../src/protocol/index.js';
import { crc32c } from '../../../src/util/crc32c.js';
import { ProtocolClient } from '../../support/protocol-client.js';

/** Creates `name` (auto-creation) and returns its topic id. */
export async function createTopic(client: ProtocolClient, name: string): Promise<string> {
  const res = await client.request(3, 12, {
    topics: [{ name, topicId: '00000000-0000-0000-0000-000000000000' }],
    allowAutoTopicCreation: true,
    includeClusterAuthorizedOperations: false,
    includeTopicAuthorizedOperations: false,
  });
  return res.topics[0].topicId as string;
}

export function batch(
  values: string[],
  options: { producerId?: bigint; baseSequence?: number; timestamp?: number } = {},
): Buffer {
  return encodeRecordBatchSync(
    values.map((v, i) => ({ key: Buffer.from(`k${i}`), value: Buffer.from(v) })),
    options.producerId === undefined
      ? { timestamp: options.timestamp ?? Date.now() }
      : {
          producerId: options.producerId,
          producerEpoch: 0,
          baseSequence: options.baseSequence ?? 0,
          timestamp: options.timestamp ?? Date.now(),
        },
  );
}

export function produceBody(
  topic: string,
  partitions: { index: number; records: Buffer | null }[],
  options: { acks?: number; topicId?: string } = {},
) {
  return {
    transactionalId: null,
    acks: options.acks ?? -1,
    timeoutMs: 5000,
    topicData: [
      {
        name: topic,
        topicId: options.topicId ?? '00000000-0000-0000-0000-000000000000',
        partitionData: partitions,
      },
    ],
  };
}

export interface FetchPartitionSpec {
  partition: number;
  fetchOffset: number;
  partitionMaxBytes?: number;
  currentLeaderEpoch?: number;
}

export function fetchBody(
  topic: string,
  partitions: FetchPartitionSpec[],
  options: {
    topicId?: string;
    maxWaitMs?: number;
    minBytes?: number;
    maxBytes?: number;
    sessionId?: number;
    sessionEpoch?: number;
    isolationLevel?: number;
  } = {},
) {
  return {
    clusterId: null,
    replicaId: -1,
    replicaState: { replicaId: -1, replicaEpoch: -1n },
    maxWaitMs: options.maxWaitMs ?? 0,
    minBytes: options.minBytes ?? 1,
    maxBytes: options.maxBytes ?? 1 << 20,
    isolationLevel: options.isolationLevel ?? 0,
    sessionId: options.sessionId ?? 0,
    sessionEpoch: options.sessionEpoch ?? -1,
    topics:
      partitions.length === 0
        ? []
        : [
            {
              topic,
              topicId: options.topicId ?? '00000000-0000-0000-0000-000000000000',
              partitions: partitions.map((p) => ({
                partition: p.partition,
                currentLeaderEpoch: p.currentLeaderEpoch ?? -1,
                fetchOffset: BigInt(p.fetchOffset),
                lastFetchedEpoch: -1,
                logStartOffset: -1n,
                partitionMaxBytes: p.partitionMaxBytes ?? 1 << 20,
                replicaDirectoryId: '00000000-0000-0000-0000-000000000000',
                highWatermark: -1n,
              })),
            },
          ],
    forgottenTopicsData: [],
    rackId: '',
  };
}

/** Values of every record in a Fetch partition's records. */
export function valuesOf(records: Buffer | null): string[] {
  if (records === null) return [];
  const out: string[] = [];
  for (const b of splitRecordBatches(records)) {
    for (const r of decodeRecordBatchSync(b).records) out.push(r.value?.toString() ?? '');
  }
  return out;
}

/** Writes a request that gets no response (Produce with acks=0) past the client's counters. */
export function sendWithoutResponse(
  client: ProtocolClient,
  request: { apiKey: number; apiVersion: number; body: unknown },
): void {
  client.sendOnly(request.apiKey, request.apiVersion, request.body);
}

/**
 * A batch whose attributes say gzip but whose records region is not compressed, with a CRC
 * that matches: it passes every header check, and no consumer can read it.
 */
export function gzipFlaggedBatch(values: string[]): Buffer {
  const b = batch(values);
  b.writeInt16BE(b.readInt16BE(21) | 1, 21);
  b.writeUInt32BE(crc32c(b.subarray(21)), 17);
  return b;
}
