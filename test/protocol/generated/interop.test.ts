// The generated codecs against two real clients' own encoders and decoders: requests built by
// @platformatic/kafka (flexible versions) and KafkaJS (classic versions) decode here, and
// responses encoded here parse in those clients, record batches included.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import {
  Reader as PlatformaticReader,
  apiVersionsV4,
  fetchV12,
  metadataV12,
  produceV11,
} from '@platformatic/kafka';
import {
  Reader,
  Writer,
  createApiVersionsResponse,
  createFetchResponse,
  createFetchResponseFetchableTopicResponse,
  createFetchResponsePartitionData,
  createMetadataResponse,
  createMetadataResponseMetadataResponsePartition,
  createMetadataResponseMetadataResponseTopic,
  decodeFetchRequest,
  decodeMetadataRequest,
  decodeProduceRequest,
  encodeApiVersionsResponse,
  encodeFetchResponse,
  encodeMetadataResponse,
  type FetchResponse,
  type MetadataResponse,
} from '../../../src/protocol/index.js';
import { BatchHeader } from '../../../src/protocol/records/batch-header.js';

const require = createRequire(import.meta.url);
interface KafkaJsRequest {
  encode(): Promise<{ buffer: Buffer }>;
}
interface KafkaJsResponse {
  decode(raw: Buffer): Promise<unknown>;
  parse(decoded: unknown): Promise<Record<string, unknown>>;
}
const kafkajs = (path: string): unknown => require(`kafkajs/src/protocol/requests/${path}`);

function encoded(fill: (w: Writer) => void): Buffer {
  const w = new Writer();
  fill(w);
  return w.toBuffer();
}

function fetchResponse(topic: string, records: Buffer): FetchResponse {
  return createFetchResponse({
    responses: [
      createFetchResponseFetchableTopicResponse({
        topic,
        partitions: [
          createFetchResponsePartitionData({
            partitionIndex: 0,
            highWatermark: 2n,
            lastStableOffset: 2n,
            logStartOffset: 0n,
            abortedTransactions: [],
            records,
          }),
        ],
      }),
    ],
  });
}

function metadataResponse(): MetadataResponse {
  return createMetadataResponse({
    brokers: [{ nodeId: 1, host: 'localhost', port: 9092, rack: null }],
    clusterId: 'rivulet-cluster',
    controllerId: 1,
    topics: [
      createMetadataResponseMetadataResponseTopic({
        name: 'orders',
        topicId: '0123456789abcdef0123456789abcdef'.replace(
          /(.{8})(.{4})(.{4})(.{4})(.{12})/,
          '$1-$2-$3-$4-$5',
        ),
        partitions: [
          createMetadataResponseMetadataResponsePartition({
            partitionIndex: 0,
            leaderId: 1,
            leaderEpoch: 0,
            replicaNodes: [1],
            isrNodes: [1],
          }),
        ],
      }),
    ],
  });
}

test('@platformatic/kafka Produce v11 request → decode; Fetch v12 response → client', () => {
  const request = produceV11.createRequest(-1, 1500, [
    { topic: 'orders', partition: 0, key: Buffer.from('k1'), value: Buffer.from('v1') },
    { topic: 'orders', partition: 0, key: Buffer.from('k2'), value: Buffer.from('v2') },
  ]);
  const produce = decodeProduceRequest(new Reader(request.buffer), 11);
  assert.equal(produce.acks, -1);
  assert.equal(produce.timeoutMs, 1500);
  assert.equal(produce.topicData[0]!.name, 'orders');
  const records = produce.topicData[0]!.partitionData[0]!.records!;
  const header = new BatchHeader(records);
  assert.ok(header.isCrcValid());
  assert.equal(header.recordCount, 2);

  const body = encoded((w) => encodeFetchResponse(w, 12, fetchResponse('orders', records)));
  const parsed = fetchV12.parseResponse(1, 1, 12, PlatformaticReader.from(body));
  const partition = parsed.responses[0]!.partitions[0]!;
  assert.equal(partition.highWatermark, 2n);
  const values = partition.records!.flatMap((b) => b.records.map((r) => String(r.value)));
  assert.deepStrictEqual(values, ['v1', 'v2']);
});

test('@platformatic/kafka Metadata v12 request → decode; response → client', () => {
  const request = metadataV12.createRequest(['orders', 'payments'], true, false);
  const metadata = decodeMetadataRequest(new Reader(request.buffer), 12);
  assert.deepStrictEqual(
    metadata.topics!.map((t) => t.name),
    ['orders', 'payments'],
  );
  assert.equal(metadata.allowAutoTopicCreation, true);

  const body = encoded((w) => encodeMetadataResponse(w, 12, metadataResponse()));
  const parsed = metadataV12.parseResponse(1, 3, 12, PlatformaticReader.from(body));
  assert.equal(parsed.clusterId, 'rivulet-cluster');
  assert.equal(parsed.brokers[0]!.host, 'localhost');
  assert.equal(parsed.topics[0]!.name, 'orders');
  assert.equal(parsed.topics[0]!.topicId, metadataResponse().topics[0]!.topicId);
  assert.deepStrictEqual(parsed.topics[0]!.partitions[0]!.isrNodes, [1]);
});

test('@platformatic/kafka parses an ApiVersions v4 response with tagged fields', () => {
  const response = createApiVersionsResponse({
    apiKeys: [
      { apiKey: 0, minVersion: 3, maxVersion: 11 },
      { apiKey: 18, minVersion: 0, maxVersion: 4 },
    ],
    finalizedFeaturesEpoch: 3n,
    finalizedFeatures: [{ name: 'transaction.version', maxVersionLevel: 2, minVersionLevel: 2 }],
  });
  const body = encoded((w) => encodeApiVersionsResponse(w, 4, response));
  const parsed = apiVersionsV4.parseResponse(1, 18, 4, PlatformaticReader.from(body));
  assert.deepStrictEqual(
    parsed.apiKeys.map((k) => [k.apiKey, k.minVersion, k.maxVersion]),
    [
      [0, 3, 11],
      [18, 0, 4],
    ],
  );
});

test('KafkaJS Produce v7 request → decode; Fetch v11 response → client', async () => {
  const produceRequest = kafkajs('produce/v7/request.js') as (args: object) => KafkaJsRequest;
  const request = await produceRequest({
    acks: 1,
    timeout: 3000,
    topicData: [
      {
        topic: 'orders',
        partitions: [{ partition: 0, messages: [{ key: 'k1', value: 'hello' }] }],
      },
    ],
  }).encode();
  const produce = decodeProduceRequest(new Reader(request.buffer), 7);
  assert.equal(produce.acks, 1);
  assert.equal(produce.topicData[0]!.partitionData[0]!.index, 0);
  const records = produce.topicData[0]!.partitionData[0]!.records!;
  assert.ok(new BatchHeader(records).isCrcValid());

  const body = encoded((w) => encodeFetchResponse(w, 11, fetchResponse('orders', records)));
  const fetchResponseV11 = kafkajs('fetch/v11/response.js') as KafkaJsResponse;
  const parsed = await fetchResponseV11.parse(await fetchResponseV11.decode(body));
  const responses = parsed.responses as Array<{
    topicName: string;
    partitions: Array<{ messages: Array<{ value: Buffer }> }>;
  }>;
  assert.equal(responses[0]!.topicName, 'orders');
  assert.deepStrictEqual(
    responses[0]!.partitions[0]!.messages.map((m) => m.value.toString()),
    ['hello'],
  );
});

test('KafkaJS parses Metadata v6 and ApiVersions v2 responses', async () => {
  const metadataV6 = kafkajs('metadata/v6/response.js') as KafkaJsResponse;
  const metadata = await metadataV6.parse(
    await metadataV6.decode(encoded((w) => encodeMetadataResponse(w, 6, metadataResponse()))),
  );
  assert.equal(metadata.clusterId, 'rivulet-cluster');
  const topics = metadata.topicMetadata as Array<{ topic: string; partitionMetadata: unknown[] }>;
  assert.equal(topics[0]!.topic, 'orders');
  assert.equal(topics[0]!.partitionMetadata.length, 1);

  const apiVersionsV2 = kafkajs('apiVersions/v2/response.js') as KafkaJsResponse;
  const versions = await apiVersionsV2.parse(
    await apiVersionsV2.decode(
      encoded((w) =>
        encodeApiVersionsResponse(
          w,
          2,
          createApiVersionsResponse({ apiKeys: [{ apiKey: 3, minVersion: 0, maxVersion: 12 }] }),
        ),
      ),
    ),
  );
  assert.deepStrictEqual(versions.apiVersions, [{ apiKey: 3, minVersion: 0, maxVersion: 12 }]);
});

test('Fetch requests from both clients decode', async () => {
  const platformatic = fetchV12.createRequest(
    500,
    1,
    1048576,
    1,
    0,
    -1,
    [
      {
        topicId: 'orders',
        partitions: [
          {
            partition: 3,
            currentLeaderEpoch: 7,
            fetchOffset: 42n,
            lastFetchedEpoch: -1,
            partitionMaxBytes: 65536,
          },
        ],
      },
    ],
    [],
    '',
  );
  const v12 = decodeFetchRequest(new Reader(platformatic.buffer), 12);
  assert.equal(v12.maxWaitMs, 500);
  assert.equal(v12.isolationLevel, 1);
  assert.equal(v12.topics[0]!.topic, 'orders');
  assert.deepStrictEqual(
    [v12.topics[0]!.partitions[0]!.partition, v12.topics[0]!.partitions[0]!.fetchOffset],
    [3, 42n],
  );

  const fetchRequestV11 = kafkajs('fetch/v11/request.js') as (args: object) => KafkaJsRequest;
  const encodedV11 = await fetchRequestV11({
    replicaId: -1,
    maxWaitTime: 100,
    minBytes: 1,
    maxBytes: 10485760,
    topics: [{ topic: 'orders', partitions: [{ partition: 0, fetchOffset: '5', maxBytes: 1024 }] }],
  }).encode();
  const v11 = decodeFetchRequest(new Reader(encodedV11.buffer), 11);
  assert.equal(v11.replicaId, -1);
  assert.equal(v11.topics[0]!.partitions[0]!.fetchOffset, 5n);
  assert.equal(v11.topics[0]!.partitions[0]!.partitionMaxBytes, 1024);
  assert.equal(v11.rackId, '');
});
