// DescribeCluster v0-2. Notes:
// - Brokers: this node at the advertised address of the listener the request came in on (as
//   in Metadata), never fenced while it answers.
// - v1+ endpoint_type: 1 (brokers) is served; 2 (controllers) gets MISMATCHED_ENDPOINT_TYPE,
//   as on a Kafka broker listener; anything else UNSUPPORTED_ENDPOINT_TYPE.
import {
  ErrorCode,
  type DescribeClusterRequest,
  type DescribeClusterResponse,
} from '../../protocol/index.js';
import {
  AUTHORIZED_OPERATIONS_OMITTED,
  CLUSTER_OPERATIONS,
  authorizedOperations,
} from './support/authorized-operations.js';
import { mayOnCluster } from './support/authorize.js';
import { CLUSTER_RESOURCE_NAME } from '../../metadata/index.js';
import { defineHandler } from './handler-registry.js';
import { controllerIdOf, liveBrokerAddresses } from './support/cluster-view.js';
import type { HandlerFactory } from './handler-types.js';

const BROKER_ENDPOINT = 1;
const CONTROLLER_ENDPOINT = 2;

export const describeClusterHandler: HandlerFactory = (broker) =>
  defineHandler<DescribeClusterRequest, DescribeClusterResponse>({
    apiKey: 60,
    name: 'DescribeCluster',
    minVersion: 0,
    maxVersion: 2,
    handle: (request, ctx) => {
      const response: DescribeClusterResponse = {
        throttleTimeMs: 0,
        errorCode: ErrorCode.NONE,
        errorMessage: null,
        endpointType: BROKER_ENDPOINT,
        clusterId: broker.clusterId,
        controllerId: controllerIdOf(broker),
        brokers: [],
        // As in Kafka: the principal's operations when it may DESCRIBE the cluster, else none.
        clusterAuthorizedOperations: !request.includeClusterAuthorizedOperations
          ? AUTHORIZED_OPERATIONS_OMITTED
          : mayOnCluster(ctx, 'DESCRIBE')
            ? authorizedOperations(
                ctx,
                { type: 'CLUSTER', name: CLUSTER_RESOURCE_NAME },
                CLUSTER_OPERATIONS,
              )
            : 0,
      };
      if (ctx.apiVersion >= 1 && request.endpointType !== BROKER_ENDPOINT) {
        const mismatch = request.endpointType === CONTROLLER_ENDPOINT;
        response.errorCode = mismatch
          ? ErrorCode.MISMATCHED_ENDPOINT_TYPE
          : ErrorCode.UNSUPPORTED_ENDPOINT_TYPE;
        response.errorMessage = mismatch
          ? 'The request was sent to an endpoint of type BROKER, but we wanted an endpoint of type CONTROLLER'
          : `Unsupported endpoint type ${request.endpointType}`;
        return Promise.resolve(response);
      }
      for (const b of liveBrokerAddresses(broker, ctx.session.listenerName)) {
        const { nodeId, host, port, rack } = b;
        response.brokers.push({ brokerId: nodeId, host, port, rack, isFenced: false });
      }
      return Promise.resolve(response);
    },
  });
