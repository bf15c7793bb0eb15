// FindCoordinator v0-6. Notes:
// - v0 has only the key (a group id); v1+ add the key type: 0 group, 1 transaction.
// - v4+ (KIP-699) batch several keys in `coordinatorKeys` and answer in `coordinators`; the
//   single-key fields are then unused.
// - On one node this broker coordinates every group, at the address of the listener the
//   request came in on; in a cluster the coordinator of a key is the leader of its partition of
//   __consumer_offsets (or __transaction_state), COORDINATOR_NOT_AVAILABLE while it has none.
// - As in Kafka, __consumer_offsets is created by the first FindCoordinator for a group, and
//   __transaction_state by the first one for a transactional id.
// - Transaction keys (type 1) get this broker too, once the transaction coordinator has loaded
//   (COORDINATOR_LOAD_IN_PROGRESS before); an empty transactional id is INVALID_REQUEST.
//   Other key types (share groups, 2) get INVALID_REQUEST.
// - Authorization as Kafka's: DESCRIBE on the group (GROUP_AUTHORIZATION_FAILED) or the
//   transactional id (TRANSACTIONAL_ID_AUTHORIZATION_FAILED) named by each key.
import {
  ErrorCode,
  createFindCoordinatorResponse,
  type FindCoordinatorRequest,
  type FindCoordinatorResponse,
  type FindCoordinatorResponseCoordinator,
} from '../../protocol/index.js';
import type { BrokerContext } from '../broker-context.js';
import {
  CONSUMER_OFFSETS_TOPIC,
  ensureConsumerOffsetsTopic,
  partitionForGroup,
} from '../group/index.js';
import {
  TRANSACTION_STATE_TOPIC,
  ensureTransactionStateTopic,
  partitionForTxn,
} from '../txn/index.js';
import { brokerAddress } from './support/cluster-view.js';
import { may } from './support/authorize.js';
import { defineHandler } from './handler-registry.js';
import { advertisedFor } from './support/advertised-listener.js';
import type { HandlerFactory } from './handler-types.js';

const GROUP_KEY_TYPE = 0;
const TRANSACTION_KEY_TYPE = 1;

export const findCoordinatorHandler: HandlerFactory = (broker) =>
  defineHandler<FindCoordinatorRequest, FindCoordinatorResponse>({
    apiKey: 10,
    name: 'FindCoordinator',
    minVersion: 0,
    maxVersion: 6,
    handle: async (request, ctx) => {
      if (request.keyType === GROUP_KEY_TYPE) await ensureConsumerOffsetsTopic(broker);
      if (request.keyType === TRANSACTION_KEY_TYPE) await ensureTransactionStateTopic(broker);
      const address = advertisedFor(broker, ctx.session.listenerName);
      const answer = (key: string): FindCoordinatorResponseCoordinator => {
        const fail = (errorCode: number, errorMessage: string) => ({
          key,
          nodeId: -1,
          host: '',
          port: -1,
          errorCode,
          errorMessage,
        });
        if (request.keyType === TRANSACTION_KEY_TYPE) {
          if (key === '') return fail(ErrorCode.INVALID_REQUEST, 'Empty transactional id.');
          if (!broker.transactions.loaded) {
            return fail(ErrorCode.COORDINATOR_LOAD_IN_PROGRESS, 'Loading transactions.');
          }
        } else if (request.keyType !== GROUP_KEY_TYPE) {
          return fail(ErrorCode.INVALID_REQUEST, `Unsupported key type ${request.keyType}.`);
        }
        const transactional = request.keyType === TRANSACTION_KEY_TYPE;
        if (
          !may(ctx, 'DESCRIBE', { type: transactional ? 'TRANSACTIONAL_ID' : 'GROUP', name: key })
        ) {
          return transactional
            ? fail(
                ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED,
                'Transactional Id authorization failed.',
              )
            : fail(ErrorCode.GROUP_AUTHORIZATION_FAILED, 'Group authorization failed.');
        }
        if (address === undefined) return fail(ErrorCode.COORDINATOR_NOT_AVAILABLE, 'Not ready.');
        const leader = coordinatorLeader(broker, request.keyType, key);
        if (leader !== broker.config.nodeId) {
          // In a cluster the coordinator is the leader of the key's internal partition.
          const other = brokerAddress(broker, leader, ctx.session.listenerName);
          if (other === undefined) {
            return fail(ErrorCode.COORDINATOR_NOT_AVAILABLE, 'The coordinator has no leader.');
          }
          const { host, port } = other;
          return { key, nodeId: leader, host, port, errorCode: ErrorCode.NONE, errorMessage: null };
        }
        return {
          key,
          nodeId: broker.config.nodeId,
          ...address,
          errorCode: ErrorCode.NONE,
          errorMessage: null,
        };
      };
      if (ctx.apiVersion >= 4) {
        // The single-key fields do not exist in v4+ and must keep their defaults.
        return createFindCoordinatorResponse({ coordinators: request.coordinatorKeys.map(answer) });
      }
      const { errorCode, errorMessage, nodeId, host, port } = answer(request.key);
      return { throttleTimeMs: 0, errorCode, errorMessage, nodeId, host, port, coordinators: [] };
    },
  });

/**
 * The leader of the internal partition that holds `key` (__consumer_offsets for groups,
 * __transaction_state for transactional ids); this node on a single node.
 */
function coordinatorLeader(broker: BrokerContext, keyType: number, key: string): number {
  if (broker.cluster === undefined) return broker.config.nodeId;
  const isTxn = keyType === TRANSACTION_KEY_TYPE;
  const topic = broker.metadata.image.topic(
    isTxn ? TRANSACTION_STATE_TOPIC : CONSUMER_OFFSETS_TOPIC,
  );
  if (topic === undefined || topic.partitions.length === 0) return -1;
  const count = topic.partitions.length;
  const partition = isTxn ? partitionForTxn(key, count) : partitionForGroup(key, count);
  return topic.partitions[partition]?.leader ?? -1;
}
