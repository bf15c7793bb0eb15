// Produce v0-13 advertised, v3-13 served (v0-2 carry old message formats; Kafka 4 closes the
// connection for them too). Notes:
// - v3+: exactly one magic-2 batch per partition. acks 0 (no response), 1 and -1; anything
//   else is INVALID_REQUIRED_ACKS for every partition. On one node acks=-1 is the local write
//   (plus an fsync when the topic's flush.messages asks for it).
// - v7+ may carry zstd; v8+ per-record errors (KIP-467: which records of a refused batch were
//   at fault, e.g. keyless records on a compacted topic) and an error message; v10+ current leader on
//   NOT_LEADER_OR_FOLLOWER (the leader and epoch of the metadata image); v13 names topics by id
//   only (unknown id: UNKNOWN_TOPIC_ID).
// - acks=-1 waits for the high watermark (the ISR) up to the request's timeout_ms
//   (REQUEST_TIMED_OUT); an ISR smaller than min.insync.replicas is NOT_ENOUGH_REPLICAS.
// - A produce never creates a topic; an unknown one is UNKNOWN_TOPIC_OR_PARTITION.
// - Authorization as Kafka's: transactional batches with a transactional id need WRITE on it
//   (else TRANSACTIONAL_ID_AUTHORIZATION_FAILED for every partition); then each topic needs WRITE
//   (else TOPIC_AUTHORIZATION_FAILED for its partitions), checked before whether it exists so
//   a refused principal learns nothing about it. Only an unknown topic id (v13) comes first.
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
import type { ErrorName } from '../../protocol/errors.js';
import { isInternalTopic } from '../../metadata/index.js';
import { BatchAttribute, BatchField } from '../../protocol/records/batch-header.js';
import { filterAuthorized, type ApiRequestContext } from '../server/index.js';
import type { BrokerContext } from '../broker-context.js';
import type { BrokerTopicStats } from '../metrics/broker-topic-stats.js';
import { AppendResults, failedAppend, type PartitionAppendResult } from '../partition/index.js';
import { defineHandler } from './handler-registry.js';
import type { HandlerFactory } from './handler-types.js';

const NO_LEADER = { leaderId: -1, leaderEpoch: -1 };
/** Shared by every response (frozen: the encoder only reads it). */
const NO_RECORD_ERRORS = Object.freeze([]) as unknown as PartitionResponse['recordErrors'];
/** The client id of Kafka's own admin tools, which may write to internal topics. */
const ADMIN_CLIENT_ID = '__admin_client';

export const produceHandler: HandlerFactory = (broker) =>
  defineHandler<ProduceRequest, ProduceResponse>({
    apiKey: 0,
    name: 'Produce',
    minVersion: 0,
    minServedVersion: 3,
    maxVersion: 13,
    // The batches are written before the handler answers and are not kept afterwards; even a
    // failed request settles only once every append it queued has finished (AppendResults).
    recyclesFrame: true,
    handle: (request, ctx) => {
      const version = ctx.apiVersion;
      const acks = request.acks;
      const validAcks = acks === 0 || acks === 1 || acks === -1;
      // Every partition's append is queued before this returns, so pipelined produce requests
      // on one connection land in the log in the order they were sent. The partitions share
      // one result collector and one promise.
      let count = 0;
      for (const t of request.topicData) count += t.partitionData.length;
      const results = new AppendResults(count, acks === -1 ? ctx : null);
      const internalAllowed = ctx.clientId === ADMIN_CLIENT_ID;
      const names = request.topicData.map((t) =>
        version >= 13 ? broker.replicas.topicName(t.topicId) : t.name,
      );
      const refusal = authorizationRefusal(request, ctx, names);
      // In a cluster, a broker that may have lost its registration lease (paused, cut off from
      // etcd) or has not yet replayed its fencing accepts no writes: someone else may lead.
      const mayLead = broker.cluster?.mayLead() ?? true;
      let slot = 0;
      try {
        queueAppends();
      } catch (err) {
        // The slots not handed to an append fail now; those handed over still finish first.
        results.abandon(slot, err);
      }
      const stats = broker.topicStats;
      return results.settled.then((appended) => {
        if (stats !== undefined) countProduce(stats, request, names, appended);
        return acks === 0 ? null : produceResponse(broker, request, { appended, version });
      });

      function queueAppends(): void {
        for (let i = 0; i < request.topicData.length; i++) {
          const t = request.topicData[i]!;
          const name = names[i];
          const refused = name !== undefined && !internalAllowed && isInternalTopic(name);
          const error: ErrorName | null = !validAcks
            ? 'INVALID_REQUIRED_ACKS'
            : !mayLead
              ? 'NOT_LEADER_OR_FOLLOWER'
              : refusal.transactionalId
                ? 'TRANSACTIONAL_ID_AUTHORIZATION_FAILED'
                : name === undefined
                  ? 'UNKNOWN_TOPIC_ID'
                  : !refusal.writable.has(name)
                    ? 'TOPIC_AUTHORIZATION_FAILED'
                    : refused
                      ? 'INVALID_TOPIC_EXCEPTION'
                      : null;
          for (const p of t.partitionData) {
            if (error !== null) results.done(slot, failedAppend(error));
            else {
              broker.replicas.appendTo(results, slot, {
                topic: name!,
                partition: p.index,
                records: p.records,
                acks,
                apiVersion: version,
                timeoutMs: request.timeoutMs,
              });
            }
            slot++;
          }
        }
      }
    },
  });

/**
 * What the authorizer refuses: the transactional id (when a batch is transactional), and which
 * of the named topics may be written.
 */
function authorizationRefusal(
  request: ProduceRequest,
  ctx: ApiRequestContext,
  names: readonly (string | undefined)[],
): { transactionalId: boolean; writable: Set<string> } {
  const authorizer = ctx.authorizer;
  const txnId = request.transactionalId;
  // Kafka also refuses transactional batches that come without a transactional id; here they
  // go on to the partition, which checks the producer's transaction state.
  const transactionalId =
    txnId !== null &&
    hasTransactionalBatch(request) &&
    authorizer.authorize(ctx, [
      {
        operation: 'WRITE',
        resourceType: 'TRANSACTIONAL_ID',
        resourceName: txnId,
        patternType: 'LITERAL',
      },
    ])[0] !== 'ALLOWED';
  const known = names.filter((n): n is string => n !== undefined);
  const writable = filterAuthorized(authorizer, ctx, {
    operation: 'WRITE',
    resourceType: 'TOPIC',
    names: known,
  });
  return { transactionalId, writable };
}

/** Whether the first batch of some partition has the transactional attribute. */
function hasTransactionalBatch(request: ProduceRequest): boolean {
  for (const t of request.topicData) {
    for (const p of t.partitionData) {
      const records = p.records;
      if (records === null || records.length < BatchField.Attributes + 2) continue;
      if (records.readInt16BE(BatchField.Attributes) & BatchAttribute.Transactional) return true;
    }
  }
  return false;
}

/** Kafka's BrokerTopicMetrics of a produce: per partition, bytes and messages or a failure. */
function countProduce(
  stats: BrokerTopicStats,
  request: ProduceRequest,
  names: readonly (string | undefined)[],
  appended: readonly PartitionAppendResult[],
): void {
  let slot = 0;
  for (let i = 0; i < request.topicData.length; i++) {
    const name = names[i];
    for (const p of request.topicData[i]!.partitionData) {
      const error = appended[slot++]!.error;
      const bytes = p.records === null ? 0 : p.records.length;
      if (error === null) {
        // v3+ carries one batch per partition: its header has the record count.
        const messages = bytes >= RECORD_COUNT_END ? p.records!.readInt32BE(RECORD_COUNT_AT) : 0;
        stats.produced(name!, bytes, messages);
      } else {
        const known = name !== undefined && error !== 'UNKNOWN_TOPIC_OR_PARTITION';
        stats.produceFailed(known ? name : null, SIZE_ERRORS.has(error) ? bytes : 0);
      }
    }
  }
}

/** Refusals for size, whose bytes Kafka counts as BytesRejected. */
const SIZE_ERRORS: ReadonlySet<ErrorName> = new Set(['MESSAGE_TOO_LARGE', 'RECORD_LIST_TOO_LARGE']);
const RECORD_COUNT_AT = BatchField.RecordCount;
const RECORD_COUNT_END = BatchField.RecordCount + 4;

function produceResponse(
  broker: BrokerContext,
  request: ProduceRequest,
  { appended, version }: { appended: PartitionAppendResult[]; version: number },
): ProduceResponse {
  let i = 0;
  const responses = request.topicData.map((t) => ({
    name: version >= 13 ? '' : t.name,
    topicId: version >= 13 ? t.topicId : ZERO_UUID,
    partitionResponses: t.partitionData.map((p) =>
      partitionResponse(broker, version >= 13 ? broker.replicas.topicName(t.topicId) : t.name, {
        index: p.index,
        result: appended[i++]!,
        version,
      }),
    ),
  }));
  return { responses, throttleTimeMs: 0, nodeEndpoints: [] };
}

function partitionResponse(
  broker: BrokerContext,
  topic: string | undefined,
  { index, result: r, version }: { index: number; result: PartitionAppendResult; version: number },
): PartitionResponse {
  const errorCode = r.error === null ? ErrorCode.NONE : ErrorCode[r.error];
  return {
    index,
    errorCode,
    baseOffset: int64(r.baseOffset),
    logAppendTimeMs: int64(r.logAppendTimeMs),
    logStartOffset: int64(r.logStartOffset),
    // KIP-467 (v8+): the records that made the batch fail; older versions do not carry them.
    recordErrors:
      r.recordErrors === undefined
        ? NO_RECORD_ERRORS
        : r.recordErrors.map((e) => ({
            batchIndex: e.batchIndex,
            batchIndexErrorMessage: e.message,
          })),
    errorMessage: r.message,
    currentLeader:
      // A tagged field of v10+: older versions must leave it at its default.
      r.error === 'NOT_LEADER_OR_FOLLOWER' && version >= 10 && topic !== undefined
        ? broker.metadata.image.leaderOf(topic, index)
        : NO_LEADER,
  };
}

/** The common values (-1: none, 0: the log start) are shared, not a new BigInt per partition. */
function int64(n: number): bigint {
  return n === -1 ? -1n : n === 0 ? 0n : BigInt(n);
}
