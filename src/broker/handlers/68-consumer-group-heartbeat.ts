// ConsumerGroupHeartbeat v0-1 (KIP-848): the consumer group protocol of Java clients 4.0+ and
// librdkafka 2.4+ with group.protocol=consumer. Assignment is computed on the broker ("uniform"
// or "range" server assignors). v0: a joining member with an empty id gets one from the
// broker; v1: the client makes its own member id and may subscribe by regular expression
// (matched against whole topic names, never internal topics; JavaScript syntax standing in
// for Kafka's RE2/J). Each heartbeat's changes are written to __consumer_offsets (Kafka's
// consumer group records) before it is answered.
// Authorization: READ on the group, else GROUP_AUTHORIZATION_FAILED (as in Kafka).
import type {
  ConsumerGroupHeartbeatRequest,
  ConsumerGroupHeartbeatResponse,
} from '../../protocol/index.js';
import { may } from './support/authorize.js';
import { ErrorCode, createConsumerGroupHeartbeatResponse } from '../../protocol/index.js';
import { defineHandler } from './handler-registry.js';
import type { HandlerFactory } from './handler-types.js';

export const consumerGroupHeartbeatHandler: HandlerFactory = (broker) =>
  defineHandler<ConsumerGroupHeartbeatRequest, ConsumerGroupHeartbeatResponse>({
    apiKey: 68,
    name: 'ConsumerGroupHeartbeat',
    minVersion: 0,
    maxVersion: 1,
    handle: (request, ctx) =>
      may(ctx, 'READ', { type: 'GROUP', name: request.groupId })
        ? broker.groups.consumerGroupHeartbeat(request, {
            clientId: ctx.clientId ?? '',
            clientHost: `/${ctx.session.clientHost}`,
            apiVersion: ctx.apiVersion,
          })
        : Promise.resolve(
            createConsumerGroupHeartbeatResponse({
              errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED,
              errorMessage: 'Group authorization failed.',
            }),
          ),
  });
