// A scripted stand-in for the broker's API handlers, used to record the requests real clients
// send (byte fixtures) and to drive the server in the fuzz test without storage. It answers
// just enough for a client to go through bootstrap, admin topic creation, produce and a fetch
// that finds nothing: every topic exists with `partitions` partitions led by node 1, every
// produce succeeds at offset 0, every fetch is empty. Nothing is stored.
import {
  Reader,
  Writer,
  apiByKey,
  apis,
  readRequestHeader,
  writeResponseHeader,
  type ApiVersionsResponse,
  type CreateTopicsRequest,
  type CreateTopicsResponse,
  type FetchRequest,
  type FetchResponse,
  type InitProducerIdResponse,
  type ListOffsetsRequest,
  type ListOffsetsResponse,
  type MetadataRequest,
  type MetadataResponse,
  type ProduceRequest,
  type ProduceResponse,
} from '../../../src/protocol/index.js';
import type { RequestHandler } from '../../../src/broker/server/index.js';

export interface StubOptions {
  /** Where clients are told node 1 is (the broker's bootstrap host and port). */
  address: () => { host: string; port: number };
  partitions?: number;
  /** Longest time an empty fetch is held, whatever the client's max wait. */
  maxFetchWaitMs?: number;
}

const NODE_ID = 1;
const CLUSTER_ID = 'rivulet-stub-cluster0';

/** Kafka 4.3.1's advertised ranges for broker APIs; Produce from v0 as Kafka advertises it. */
export function advertisedVersions(): ApiVersionsResponse['apiKeys'] {
  return apis
    .filter((a) => a.listeners.includes('broker') && a.minVersion !== undefined)
    .map((a) => ({
      apiKey: a.apiKey,
      minVersion: a.apiKey === 0 ? 0 : a.minVersion!,
      maxVersion: a.latestVersionUnstable ? a.maxVersion! - 1 : a.maxVersion!,
    }));
}

export function stubHandler(options: StubOptions): RequestHandler {
  const partitions = options.partitions ?? 2;
  const topics = new Map<string, string>();
  const topicId = (name: string) => {
    let id = topics.get(name);
    if (id === undefined) {
      id = `00000000-0000-4000-8000-${String(topics.size + 1).padStart(12, '0')}`;
      topics.set(name, id);
    }
    return id;
  };

  const answer = (apiKey: number, request: unknown): unknown => {
    switch (apiKey) {
      case 0: {
        const req = request as ProduceRequest;
        return {
          throttleTimeMs: 0,
          nodeEndpoints: [],
          responses: req.topicData.map((t) => ({
            name: t.name,
            topicId: t.topicId,
            partitionResponses: t.partitionData.map((p) => ({
              index: p.index,
              errorCode: 0,
              baseOffset: 0n,
              logAppendTimeMs: -1n,
              logStartOffset: 0n,
              recordErrors: [],
              errorMessage: null,
              currentLeader: { leaderId: -1, leaderEpoch: -1 },
            })),
          })),
        } satisfies ProduceResponse;
      }
      case 1: {
        const req = request as FetchRequest;
        return {
          throttleTimeMs: 0,
          errorCode: 0,
          sessionId: 0,
          nodeEndpoints: [],
          responses: req.topics.map((t) => ({
            topic: t.topic,
            topicId: t.topicId,
            partitions: t.partitions.map((p) => ({
              partitionIndex: p.partition,
              errorCode: 0,
              highWatermark: 0n,
              lastStableOffset: 0n,
              logStartOffset: 0n,
              divergingEpoch: { epoch: -1, endOffset: -1n },
              currentLeader: { leaderId: -1, leaderEpoch: -1 },
              snapshotId: { endOffset: -1n, epoch: -1 },
              abortedTransactions: [],
              preferredReadReplica: -1,
              records: Buffer.alloc(0),
            })),
          })),
        } satisfies FetchResponse;
      }
      case 2: {
        const req = request as ListOffsetsRequest;
        return {
          throttleTimeMs: 0,
          topics: req.topics.map((t) => ({
            name: t.name,
            partitions: t.partitions.map((p) => ({
              partitionIndex: p.partitionIndex,
              errorCode: 0,
              timestamp: -1n,
              offset: 0n,
              leaderEpoch: -1,
            })),
          })),
        } satisfies ListOffsetsResponse;
      }
      case 3: {
        const req = request as MetadataRequest;
        const names = req.topics === null ? [...topics.keys()] : req.topics.map((t) => t.name);
        const { host, port } = options.address();
        return {
          throttleTimeMs: 0,
          brokers: [{ nodeId: NODE_ID, host, port, rack: null }],
          clusterId: CLUSTER_ID,
          controllerId: NODE_ID,
          clusterAuthorizedOperations: -2147483648,
          errorCode: 0,
          topics: names.map((name) => ({
            errorCode: 0,
            name,
            topicId: topicId(name ?? ''),
            isInternal: false,
            topicAuthorizedOperations: -2147483648,
            partitions: Array.from({ length: partitions }, (_, i) => ({
              errorCode: 0,
              partitionIndex: i,
              leaderId: NODE_ID,
              leaderEpoch: -1,
              replicaNodes: [NODE_ID],
              isrNodes: [NODE_ID],
              offlineReplicas: [],
            })),
          })),
        } satisfies MetadataResponse;
      }
      case 18:
        return {
          errorCode: 0,
          apiKeys: advertisedVersions(),
          throttleTimeMs: 0,
          supportedFeatures: [],
          finalizedFeaturesEpoch: -1n,
          finalizedFeatures: [],
          zkMigrationReady: false,
        } satisfies ApiVersionsResponse;
      case 19: {
        const req = request as CreateTopicsRequest;
        return {
          throttleTimeMs: 0,
          topics: req.topics.map((t) => ({
            name: t.name,
            topicId: topicId(t.name),
            errorCode: 0,
            errorMessage: null,
            topicConfigErrorCode: 0,
            numPartitions: t.numPartitions === -1 ? partitions : t.numPartitions,
            replicationFactor: 1,
            configs: [],
          })),
        } satisfies CreateTopicsResponse;
      }
      case 22:
        return {
          throttleTimeMs: 0,
          errorCode: 0,
          producerId: 1000n,
          producerEpoch: 0,
          ongoingTxnProducerId: -1n,
          ongoingTxnProducerEpoch: -1,
        } satisfies InitProducerIdResponse;
      default:
        return undefined;
    }
  };

  const handler: RequestHandler = async (ctx, frame) => {
    const r = new Reader(frame);
    readRequestHeader(r);
    const api = apiByKey(ctx.apiKey);
    const request = api?.decodeRequest?.(r, ctx.apiVersion);
    const response = answer(ctx.apiKey, request);
    if (api === undefined || response === undefined) {
      throw new Error(`the stub does not answer api key ${ctx.apiKey}`);
    }
    if (ctx.apiKey === 0 && (request as ProduceRequest).acks === 0) return null;
    if (ctx.apiKey === 1) {
      const wait = Math.min((request as FetchRequest).maxWaitMs, options.maxFetchWaitMs ?? 100);
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
    const w = new Writer();
    writeResponseHeader(w, ctx);
    api.encodeResponse!(w, ctx.apiVersion, response);
    return w.toBuffers();
  };
  // As the broker: Produce frames may live in recycled memory (nothing of them is kept).
  handler.recyclesFrame = (apiKey) => apiKey === 0;
  return handler;
}
