// AddPartitionsToTxn v0-5 (v3+ flexible). v0-3 are the client's form: one transaction, its
// partitions added before the producer writes to them. v4+ batch several transactions, each
// either added or, with `verifyOnly`, only checked (KIP-890 part 1): Kafka's brokers send
// that form to the coordinator, and @platformatic/kafka sends v5 (one transaction, not
// verify-only) as a client, so both forms are answered alike. Errors as Kafka's coordinator gives them: partitions of
// unknown topics get UNKNOWN_TOPIC_OR_PARTITION and the others OPERATION_NOT_ATTEMPTED
// (nothing is added); otherwise the coordinator's one answer goes to every partition
// (INVALID_PRODUCER_ID_MAPPING for an unknown id, PRODUCER_FENCED — INVALID_PRODUCER_EPOCH
// before v2 — for an old epoch, CONCURRENT_TRANSACTIONS while markers are written).
// Authorization as Kafka's: WRITE on the transactional id (TRANSACTIONAL_ID_AUTHORIZATION_FAILED
// for every partition), then WRITE on each topic (TOPIC_AUTHORIZATION_FAILED for the refused
// ones, OPERATION_NOT_ATTEMPTED for the others); v4+ batches need CLUSTER_ACTION.
import {
  ErrorCode,
  type AddPartitionsToTxnRequest,
  type AddPartitionsToTxnRequestAddPartitionsToTxnTopic,
  type AddPartitionsToTxnResponse,
  type AddPartitionsToTxnResponseAddPartitionsToTxnTopicResult,
} from '../../protocol/index.js';
import type { ErrorName } from '../../protocol/errors.js';
import type { BrokerContext } from '../broker-context.js';
import { allowedTopics, may, mayOnCluster } from './support/authorize.js';
import { defineHandler, type ApiContext } from './handler-registry.js';
import type { HandlerFactory } from './handler-types.js';
import { coordinatorLoading, txnErrorCode } from './support/txn-errors.js';

const FENCED_SINCE_VERSION = 2;
const BATCHED_SINCE_VERSION = 4;

interface TxnRequest {
  transactionalId: string;
  producerId: bigint;
  producerEpoch: number;
  verifyOnly: boolean;
  topics: AddPartitionsToTxnRequestAddPartitionsToTxnTopic[];
}

export const addPartitionsToTxnHandler: HandlerFactory = (broker) =>
  defineHandler<AddPartitionsToTxnRequest, AddPartitionsToTxnResponse>({
    apiKey: 24,
    name: 'AddPartitionsToTxn',
    minVersion: 0,
    maxVersion: 5,
    handle: async (request, ctx) => {
      const code = (error: ErrorName | null) =>
        txnErrorCode(error, ctx.apiVersion, FENCED_SINCE_VERSION);
      if (ctx.apiVersion < BATCHED_SINCE_VERSION) {
        const resultsByTopicV3AndBelow = await handleOne(
          broker,
          { code, ctx },
          {
            transactionalId: request.v3AndBelowTransactionalId,
            producerId: request.v3AndBelowProducerId,
            producerEpoch: request.v3AndBelowProducerEpoch,
            verifyOnly: false,
            topics: request.v3AndBelowTopics,
          },
        );
        return {
          throttleTimeMs: 0,
          errorCode: ErrorCode.NONE,
          resultsByTransaction: [],
          resultsByTopicV3AndBelow,
        };
      }
      const resultsByTransaction: AddPartitionsToTxnResponse['resultsByTransaction'] = [];
      // v4+ batches come from brokers verifying transactions (KIP-890): CLUSTER_ACTION.
      if (!mayOnCluster(ctx, 'CLUSTER_ACTION')) {
        return {
          throttleTimeMs: 0,
          errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED,
          resultsByTransaction,
          resultsByTopicV3AndBelow: [],
        };
      }
      for (const t of request.transactions) {
        resultsByTransaction.push({
          transactionalId: t.transactionalId,
          topicResults: await handleOne(broker, { code, ctx }, t),
        });
      }
      return {
        throttleTimeMs: 0,
        errorCode: ErrorCode.NONE,
        resultsByTransaction,
        resultsByTopicV3AndBelow: [],
      };
    },
  });

async function handleOne(
  broker: BrokerContext,
  { code, ctx }: { code: (error: ErrorName | null) => number; ctx: ApiContext },
  txn: TxnRequest,
): Promise<AddPartitionsToTxnResponseAddPartitionsToTxnTopicResult[]> {
  const image = broker.metadata.image;
  const known = (topic: string, partition: number): boolean => {
    const t = image.topic(topic);
    return t !== undefined && partition >= 0 && partition < t.partitions.length;
  };
  const answer = (errorOf: (topic: string, partition: number) => number) =>
    txn.topics.map((t) => ({
      name: t.name,
      resultsByPartition: t.partitions.map((partitionIndex) => ({
        partitionIndex,
        partitionErrorCode: errorOf(t.name, partitionIndex),
      })),
    }));
  if (!may(ctx, 'WRITE', { type: 'TRANSACTIONAL_ID', name: txn.transactionalId })) {
    return answer(() => ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
  }
  const writable = allowedTopics(
    ctx,
    'WRITE',
    txn.topics.map((t) => t.name),
  );
  if (writable.size < new Set(txn.topics.map((t) => t.name)).size) {
    return answer((topic) =>
      writable.has(topic)
        ? ErrorCode.OPERATION_NOT_ATTEMPTED
        : ErrorCode.TOPIC_AUTHORIZATION_FAILED,
    );
  }
  const unknown = txn.topics.some((t) => t.partitions.some((p) => !known(t.name, p)));
  if (unknown) {
    return answer((topic, partition) =>
      known(topic, partition)
        ? ErrorCode.OPERATION_NOT_ATTEMPTED
        : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
    );
  }
  const error = await addOrVerify(broker, txn);
  if (typeof error === 'function') return answer((topic, p) => code(error(topic, p)));
  return answer(() => code(error));
}

/** The coordinator's answer: one error for every partition, or one per partition (verify). */
async function addOrVerify(
  broker: BrokerContext,
  txn: TxnRequest,
): Promise<ErrorName | null | ((topic: string, partition: number) => ErrorName | null)> {
  if (txn.transactionalId === '') return 'INVALID_REQUEST';
  const loading = coordinatorLoading(broker);
  if (loading !== null) return loading;
  const partitions = txn.topics.flatMap((t) =>
    t.partitions.map((partition) => ({ topic: t.name, partition })),
  );
  if (!txn.verifyOnly) {
    return broker.transactions.addPartitions(txn.transactionalId, {
      producerId: txn.producerId,
      producerEpoch: txn.producerEpoch,
      partitions,
    });
  }
  const m = broker.transactions.state.get(txn.transactionalId);
  if (m === undefined || m.producerId !== txn.producerId) return 'INVALID_PRODUCER_ID_MAPPING';
  if (m.producerEpoch !== txn.producerEpoch) return 'PRODUCER_FENCED';
  return (topic, partition) =>
    broker.transactions.state.inTransaction(txn.producerId, txn.producerEpoch, topic, partition)
      ? null
      : 'INVALID_TXN_STATE';
}
