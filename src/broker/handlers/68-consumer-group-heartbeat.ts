// ConsumerGroupHeartbeat v0-1 (KIP-848): the consumer group protocol of Java clients 4.0+ and
// librdkafka 2.4+ with group.protocol=consumer. Assignment is computed on the broker ("uniform"
// or "range" server assignors). v0: a joining member with an empty id gets one from the
// broker; v1: the client makes its own member id. Regular-expression subscriptions (v1) are
// answered with INVALID_REQUEST for now. Each heartbeat's changes are written to
// __consumer_offsets (Kafka's consumer group records) before it is answered.
import type {
  ConsumerGroupHeartbeatRequest,
  ConsumerGroupHeartbeatResponse,
} from '../../protocol/index.js';
import { defineHandler } from './handler-registry.js';
import type { HandlerFactory } from './handler-types.js';

export const consumerGroupHeartbeatHandler: HandlerFactory = (broker) =>
  defineHandler<ConsumerGroupHeartbeatRequest, ConsumerGroupHeartbeatResponse>({
    apiKey: 68,
    name: 'ConsumerGroupHeartbeat',
    minVersion: 0,
    maxVersion: 1,
    handle: (request, ctx) =>
      broker.groups.consumerGroupHeartbeat(request, {
        clientId: ctx.clientId ?? '',
        clientHost: `/${ctx.clientHost}`,
        apiVersion: ctx.apiVersion,
      }),
  });
