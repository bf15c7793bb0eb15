// Produce v0-13 advertised, v3-13 served (v0-2 carry old message formats; Kafka 4 closes the
// connection for them too). Notes:
// - v3+: exactly one magic-2 batch per partition. acks 0 (no response), 1 and -1; anything
//   else is INVALID_REQUIRED_ACKS for every partition. On one node acks=-1 is the local write
//   (plus an fsync when the topic's flush.messages asks for it).
// - v7+ may carry zstd; v8+ per-record errors and an error message; v10+ current leader on
//   NOT_LEADER_OR_FOLLOWER; v13 names topics by id only (unknown id: UNKNOWN_TOPIC_ID).
// - A produce never creates a topic; an unknown one is UNKNOWN_TOPIC_OR_PARTITION.
// - Internal topics (__consumer_offsets, __transaction_state) are written by their
//   coordinators only: a client's batch there could forge a group's offsets or a
//   transaction's state. INVALID_TOPIC_EXCEPTION, as Kafka answers, except for the client id
//   Kafka reserves for its own admin tools (`__admin_client`).
// - Idempotent retries (DUPLICATE_SEQUENCE_NUMBER in Kafka's terms) are answered as a success
//   with the offsets of the first write, as Kafka does.
import {
  ErrorCode,
  ZERO_UUID,
  type ProduceRequest,
  type ProduceResponse,
  type ProduceResponsePartitionProduceResponse as PartitionResponse,
} from '../../protocol/index.js';
import { isInternalTopic } from '../../metadata/index.js';
import type { BrokerContext } from '../broker-context.js';
import type { PartitionAppendResult } from '../partition/index.js';
import { defineHandler } from './handler-registry.js';
import type { HandlerFactory } from './handler-types.js';

const NO_LEADER = { leaderId: -1, leaderEpoch: -1 };
/** The client id of Kafka's own admin tools, which may write to internal topics. */
const ADMIN_CLIENT_ID = '__admin_client';

export const produceHandler: HandlerFactory = (broker) =>
  defineHandler<ProduceRequest, ProduceResponse>({
    apiKey: 0,
    name: 'Produce',
    minVersion: 0,
    minServedVersion: 3,
    maxVersion: 13,
    // The batches are written before the handler answers and are not kept afterwards.
    recyclesFrame: true,
    handle: async (request, ctx) => {
      const version = ctx.apiVersion;
      const validAcks = request.acks === 0 || request.acks === 1 || request.acks === -1;
      // Every partition's append is queued before the first await, so pipelined produce
      // requests on one connection land in the log in the order they were sent.
      const pending: Promise<PartitionAppendResult>[] = [];
      const internalAllowed = ctx.clientId === ADMIN_CLIENT_ID;
      // The frame's memory is reused once this handler settles: on a failure, the appends
      // already queued (which hold views of it) finish first.
      const settleAllFirst = async (err: unknown): Promise<never> => {
        await Promise.allSettled(pending);
        throw err;
      };
      try {
        queueAppends();
      } catch (err) {
        return settleAllFirst(err);
      }
      const results = await Promise.all(pending).catch(settleAllFirst);
      if (request.acks === 0) return null;
      let i = 0;
      const responses = request.topicData.map((t) => ({
        name: version >= 13 ? '' : t.name,
        topicId: version >= 13 ? t.topicId : ZERO_UUID,
        partitionResponses: t.partitionData.map((p) =>
          partitionResponse(broker, p.index, { result: results[i++]!, version }),
        ),
      }));
      return { responses, throttleTimeMs: 0, nodeEndpoints: [] };

      function queueAppends(): void {
        for (const t of request.topicData) {
          const name = version >= 13 ? broker.replicas.topicName(t.topicId) : t.name;
          const refused = name !== undefined && !internalAllowed && isInternalTopic(name);
          for (const p of t.partitionData) {
            pending.push(
              !validAcks
                ? failed('INVALID_REQUIRED_ACKS')
                : name === undefined
                  ? failed('UNKNOWN_TOPIC_ID')
                  : refused
                    ? failed('INVALID_TOPIC_EXCEPTION')
                    : broker.replicas.append(name, p.index, {
                        records: p.records,
                        acks: request.acks,
                        apiVersion: version,
                      }),
            );
          }
        }
      }
    },
  });

function failed(error: PartitionAppendResult['error']): Promise<PartitionAppendResult> {
  return Promise.resolve({
    error,
    message: null,
    baseOffset: -1,
    logAppendTimeMs: -1,
    logStartOffset: -1,
  });
}

function partitionResponse(
  broker: BrokerContext,
  index: number,
  { result: r, version }: { result: PartitionAppendResult; version: number },
): PartitionResponse {
  const errorCode = r.error === null ? ErrorCode.NONE : ErrorCode[r.error];
  return {
    index,
    errorCode,
    baseOffset: BigInt(r.baseOffset),
    logAppendTimeMs: BigInt(r.logAppendTimeMs),
    logStartOffset: BigInt(r.logStartOffset),
    recordErrors: [],
    errorMessage: r.message,
    currentLeader:
      // A tagged field of v10+: older versions must leave it at its default.
      r.error === 'NOT_LEADER_OR_FOLLOWER' && version >= 10
        ? { leaderId: broker.config.nodeId, leaderEpoch: 0 }
        : NO_LEADER,
  };
}
