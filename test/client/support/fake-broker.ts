/* eslint-disable @typescript-eslint/no-explicit-any -- request and response bodies are checked by the codecs; the fake only shuffles them. */
// A tiny in-memory Kafka broker for client tests: ApiVersions, Metadata, CreateTopics,
// DeleteTopics, Produce, Fetch, ListOffsets and InitProducerId over real sockets, with hooks to
// inject error codes, cap API versions and record what clients sent. It stores batches as
// given (after assigning offsets) and checks idempotent sequences like a broker.
import net from 'node:net';
import {
  apiByKey,
  BatchHeader,
  decodeRequestHeader,
  FrameDecoder,
  isFrameProblem,
  Reader,
  requestHeaderVersion,
  Writer,
  writeResponseHeader,
  splitRecordBatches,
} from '../../../src/protocol/index.js';

interface PartitionLog {
  batches: { baseOffset: number; buf: Buffer }[];
  logStartOffset: number;
  nextOffset: number;
  lastSequence: Map<bigint, number>;
}

export interface ReceivedRequest {
  apiKey: number;
  apiVersion: number;
  body: any;
}

export type Answer = (body: any, version: number) => any;

export class FakeBroker {
  readonly topics = new Map<string, PartitionLog[]>();
  readonly received: ReceivedRequest[] = [];
  /** Caps the advertised max version per API key. */
  readonly maxVersions = new Map<number, number>();
  /** Error codes to answer the next requests of an API with, per partition where it applies. */
  readonly faults = new Map<number, number[]>();
  /** Answers for further APIs (advertised in ApiVersions too), or replacing built-in ones. */
  readonly extraHandlers = new Map<number, Answer>();
  /** Requests of these API keys are swallowed (never answered). */
  readonly silent = new Set<number>();
  private server: net.Server | null = null;
  private sockets = new Set<net.Socket>();
  private nextProducerId = 1000n;
  port = 0;

  async start(): Promise<void> {
    this.server = net.createServer((s) => this.accept(s));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as net.AddressInfo).port;
  }

  get bootstrap(): string {
    return `127.0.0.1:${this.port}`;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  /** Closes every client connection (the broker keeps running). */
  dropConnections(): void {
    for (const s of this.sockets) s.destroy();
  }

  createTopic(name: string, partitions: number): void {
    this.topics.set(
      name,
      Array.from({ length: partitions }, () => ({
        batches: [],
        logStartOffset: 0,
        nextOffset: 0,
        lastSequence: new Map(),
      })),
    );
  }

  /**
   * Stores `batch` at the partition's end without any check (its base offset is set), as a
   * broker that validated less would have stored it.
   */
  appendRaw(topic: string, partition: number, batch: Buffer): void {
    const log = this.topics.get(topic)![partition]!;
    const copy = Buffer.from(batch);
    const h = new BatchHeader(copy, 0);
    h.setBaseOffset(BigInt(log.nextOffset));
    log.batches.push({ baseOffset: log.nextOffset, buf: copy });
    log.nextOffset += h.lastOffsetDelta + 1;
  }

  private takeFault(apiKey: number): number {
    const list = this.faults.get(apiKey);
    return list === undefined || list.length === 0 ? 0 : list.shift()!;
  }

  private accept(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => {});
    const decoder = new FrameDecoder({ maxFrameBytes: 100 * 1024 * 1024 });
    socket.on('data', (chunk) => {
      decoder.push(chunk);
      for (let f = decoder.next(); f !== null; f = decoder.next()) {
        if (isFrameProblem(f)) return socket.destroy();
        this.onFrame(socket, f);
      }
    });
  }

  private onFrame(socket: net.Socket, frame: Buffer): void {
    const apiKey = frame.readInt16BE(0);
    const apiVersion = frame.readInt16BE(2);
    const r = new Reader(frame);
    const header = decodeRequestHeader(r, requestHeaderVersion(apiKey, apiVersion));
    const api = apiByKey(apiKey)!;
    const body = api.decodeRequest!(r, apiVersion) as any;
    this.received.push({ apiKey, apiVersion, body });
    if (this.silent.has(apiKey)) return;
    const handler = this.extraHandlers.get(apiKey) ?? this.handlers[apiKey];
    if (handler === undefined) return void socket.destroy();
    if (apiKey === 0 && body.acks === 0) return void handler(body, apiVersion);
    const response = handler(body, apiVersion);
    const w = new Writer();
    const size = w.reserveInt32();
    writeResponseHeader(w, { apiKey, apiVersion, correlationId: header.correlationId });
    api.encodeResponse!(w, apiVersion, response);
    w.patchInt32(size, w.length - 4);
    // An empty fetch waits like a long poll (answers may then overtake it, which clients
    // must handle by correlation id).
    const empty =
      apiKey === 1 &&
      response.responses.every((t: any) =>
        t.partitions.every((p: any) => (p.records?.length ?? 0) === 0),
      );
    if (empty) setTimeout(() => socket.write(w.toBuffer()), Math.min(body.maxWaitMs, 50));
    else socket.write(w.toBuffer());
  }

  private readonly handlers: Record<number, Answer> = {
    18: () => ({
      errorCode: 0,
      apiKeys: [...new Set([0, 1, 2, 3, 18, 19, 20, 22, ...this.extraHandlers.keys()])].map(
        (apiKey) => ({
          apiKey,
          minVersion: apiByKey(apiKey)!.minVersion!,
          maxVersion: Math.min(apiByKey(apiKey)!.maxVersion!, this.maxVersions.get(apiKey) ?? 99),
        }),
      ),
      throttleTimeMs: 0,
      supportedFeatures: [],
      finalizedFeaturesEpoch: -1n,
      finalizedFeatures: [],
      zkMigrationReady: false,
    }),
    3: (body) => {
      const names: string[] =
        body.topics === null ? [...this.topics.keys()] : body.topics.map((t: any) => t.name);
      return {
        throttleTimeMs: 0,
        brokers: [{ nodeId: 1, host: '127.0.0.1', port: this.port, rack: null }],
        clusterId: 'fake-cluster',
        controllerId: 1,
        clusterAuthorizedOperations: -2147483648,
        errorCode: 0,
        topics: names.map((name) => {
          const parts = this.topics.get(name);
          const fault = this.takeFault(3);
          return {
            errorCode: parts === undefined ? 3 : fault,
            name,
            topicId: '00000000-0000-0000-0000-000000000000',
            isInternal: false,
            topicAuthorizedOperations: -2147483648,
            partitions: (fault !== 0 ? [] : (parts ?? [])).map((_, i) => ({
              errorCode: 0,
              partitionIndex: i,
              leaderId: 1,
              leaderEpoch: 0,
              replicaNodes: [1],
              isrNodes: [1],
              offlineReplicas: [],
            })),
          };
        }),
      };
    },
    19: (body) => ({
      throttleTimeMs: 0,
      topics: body.topics.map((t: any) => {
        const exists = this.topics.has(t.name);
        if (!exists && !body.validateOnly)
          this.createTopic(t.name, t.numPartitions === -1 ? 1 : t.numPartitions);
        return {
          name: t.name,
          topicId: '00000000-0000-0000-0000-000000000001',
          errorCode: exists ? 36 : 0,
          errorMessage: exists ? `Topic '${t.name}' already exists.` : null,
          topicConfigErrorCode: 0,
          numPartitions: t.numPartitions,
          replicationFactor: 1,
          configs: [],
        };
      }),
    }),
    20: (body) => ({
      throttleTimeMs: 0,
      responses:
        body.topicNames.length > 0
          ? body.topicNames.map((name: string) => ({
              name,
              topicId: '00000000-0000-0000-0000-000000000000',
              errorCode: this.topics.delete(name) ? 0 : 3,
              errorMessage: null,
            }))
          : body.topics.map((t: any) => ({
              name: t.name,
              topicId: t.topicId,
              errorCode: this.topics.delete(t.name) ? 0 : 3,
              errorMessage: null,
            })),
    }),
    22: () => ({
      throttleTimeMs: 0,
      errorCode: this.takeFault(22),
      producerId: this.nextProducerId++,
      producerEpoch: 0,
      ongoingTxnProducerId: -1n,
      ongoingTxnProducerEpoch: -1,
    }),
    0: (body) => ({
      throttleTimeMs: 0,
      nodeEndpoints: [],
      responses: body.topicData.map((t: any) => ({
        name: t.name,
        topicId: t.topicId,
        partitionResponses: t.partitionData.map((p: any) => ({
          index: p.index,
          ...this.append(t.name, p.index, p.records),
          logAppendTimeMs: -1n,
          recordErrors: [],
          errorMessage: null,
          currentLeader: { leaderId: -1, leaderEpoch: -1 },
        })),
      })),
    }),
    1: (body) => ({
      throttleTimeMs: 0,
      errorCode: 0,
      sessionId: 0,
      nodeEndpoints: [],
      responses: body.topics.map((t: any) => ({
        topic: t.topic,
        topicId: t.topicId,
        partitions: t.partitions.map((p: any) =>
          this.read(t.topic, p.partition, Number(p.fetchOffset), p.partitionMaxBytes),
        ),
      })),
    }),
    2: (body) => ({
      throttleTimeMs: 0,
      topics: body.topics.map((t: any) => ({
        name: t.name,
        partitions: t.partitions.map((p: any) => {
          const log = this.topics.get(t.name)?.[p.partitionIndex];
          if (log === undefined)
            return {
              partitionIndex: p.partitionIndex,
              errorCode: 3,
              timestamp: -1n,
              offset: -1n,
              leaderEpoch: -1,
            };
          const offset = p.timestamp === -2n ? log.logStartOffset : log.nextOffset;
          return {
            partitionIndex: p.partitionIndex,
            errorCode: 0,
            timestamp: -1n,
            offset: BigInt(offset),
            leaderEpoch: 0,
          };
        }),
      })),
    }),
  };

  private append(topic: string, partition: number, records: Buffer | null) {
    const log = this.topics.get(topic)?.[partition];
    const fail = (errorCode: number) => ({ errorCode, baseOffset: -1n, logStartOffset: -1n });
    if (log === undefined) return fail(3);
    const fault = this.takeFault(0);
    if (fault !== 0) return fail(fault);
    const baseOffset = log.nextOffset;
    for (const frame of splitRecordBatches(records ?? Buffer.alloc(0))) {
      const h = new BatchHeader(frame, 0);
      if (h.producerId >= 0n) {
        const last = log.lastSequence.get(h.producerId) ?? -1;
        if (h.baseSequence <= last) return fail(46);
        if (h.baseSequence !== last + 1) return fail(45);
        log.lastSequence.set(h.producerId, h.baseSequence + h.lastOffsetDelta);
      }
      const copy = Buffer.from(frame);
      new BatchHeader(copy, 0).setBaseOffset(BigInt(log.nextOffset));
      log.batches.push({ baseOffset: log.nextOffset, buf: copy });
      log.nextOffset += h.lastOffsetDelta + 1;
    }
    return {
      errorCode: 0,
      baseOffset: BigInt(baseOffset),
      logStartOffset: BigInt(log.logStartOffset),
    };
  }

  private read(topic: string, partition: number, offset: number, maxBytes: number) {
    const log = this.topics.get(topic)?.[partition];
    const base = {
      partitionIndex: partition,
      divergingEpoch: { epoch: -1, endOffset: -1n },
      currentLeader: { leaderId: -1, leaderEpoch: -1 },
      snapshotId: { endOffset: -1n, epoch: -1 },
      abortedTransactions: null,
      preferredReadReplica: -1,
    };
    if (log === undefined)
      return {
        ...base,
        errorCode: 3,
        highWatermark: -1n,
        lastStableOffset: -1n,
        logStartOffset: -1n,
        records: null,
      };
    const hw = BigInt(log.nextOffset);
    const marks = {
      highWatermark: hw,
      lastStableOffset: hw,
      logStartOffset: BigInt(log.logStartOffset),
    };
    if (offset < log.logStartOffset || offset > log.nextOffset)
      return { ...base, ...marks, errorCode: 1, records: null };
    const out: Buffer[] = [];
    let bytes = 0;
    for (const b of log.batches) {
      const h = new BatchHeader(b.buf, 0);
      if (b.baseOffset + h.lastOffsetDelta < offset) continue;
      if (bytes > 0 && bytes + b.buf.length > maxBytes) break;
      out.push(b.buf);
      bytes += b.buf.length;
    }
    return { ...base, ...marks, errorCode: 0, records: Buffer.concat(out) };
  }
}
