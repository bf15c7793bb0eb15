// Short forms of the authorizer questions handlers ask, as Kafka's AuthHelper has them. Each
// asks once per request for every resource it names (never per record or partition), and
// costs nothing with the default allow-all authorizer.
import { CLUSTER_RESOURCE_NAME } from '../../../metadata/index.js';
import { ErrorCode } from '../../../protocol/index.js';
import {
  filterAuthorized,
  isAuthorized,
  isAuthorizedForAny,
  type AclOperation,
  type ApiRequestContext,
  type ResourceType,
} from '../../server/index.js';

/** Whether the principal may do `operation` on the cluster. */
export function mayOnCluster(ctx: ApiRequestContext, operation: AclOperation): boolean {
  return isAuthorized(ctx.authorizer, ctx, {
    operation,
    resourceType: 'CLUSTER',
    name: CLUSTER_RESOURCE_NAME,
  });
}

/** Whether the principal may do `operation` on the literal resource `name` of `type`. */
export function may(
  ctx: ApiRequestContext,
  operation: AclOperation,
  resource: { type: ResourceType; name: string },
): boolean {
  return isAuthorized(ctx.authorizer, ctx, {
    operation,
    resourceType: resource.type,
    name: resource.name,
  });
}

/** The topics of `names` the principal may do `operation` on (asked once per distinct name). */
export function allowedTopics(
  ctx: ApiRequestContext,
  operation: AclOperation,
  names: Iterable<string>,
): Set<string> {
  return filterAuthorized(ctx.authorizer, ctx, { operation, resourceType: 'TOPIC', names });
}

/** The names of `names` of resource type `type` the principal may do `operation` on. */
export function allowedNames(
  ctx: ApiRequestContext,
  operation: AclOperation,
  resource: { type: ResourceType; names: Iterable<string> },
): Set<string> {
  return filterAuthorized(ctx.authorizer, ctx, {
    operation,
    resourceType: resource.type,
    names: resource.names,
  });
}

/** Whether the principal may do `operation` on some resource of `type`. */
export function mayOnSome(
  ctx: ApiRequestContext,
  operation: AclOperation,
  type: ResourceType,
): boolean {
  return isAuthorizedForAny(ctx.authorizer, ctx, { operation, resourceType: type });
}

const CONFIG_TOPIC = 2;
const CONFIG_BROKER = 4;
const CONFIG_BROKER_LOGGER = 8;
const CONFIG_GROUP = 32;

/**
 * Why the principal may not describe or alter the configs of a config resource, as Kafka's
 * ConfigHelper and ConfigAdminManager check: a topic's need the operation on the topic, a
 * broker's (and its loggers') on the cluster, a group's on the group. Null when allowed or
 * when the resource type is not one of these (the handler answers that itself).
 */
export function configRefusal(
  ctx: ApiRequestContext,
  operation: 'DESCRIBE_CONFIGS' | 'ALTER_CONFIGS',
  resource: { resourceType: number; resourceName: string },
): { errorCode: number; errorMessage: string } | null {
  const { resourceType, resourceName } = resource;
  switch (resourceType) {
    case CONFIG_TOPIC:
      return may(ctx, operation, { type: 'TOPIC', name: resourceName })
        ? null
        : {
            errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED,
            errorMessage: 'Topic authorization failed.',
          };
    case CONFIG_BROKER:
    case CONFIG_BROKER_LOGGER:
      return mayOnCluster(ctx, operation)
        ? null
        : {
            errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED,
            errorMessage: 'Cluster authorization failed.',
          };
    case CONFIG_GROUP:
      return may(ctx, operation, { type: 'GROUP', name: resourceName })
        ? null
        : {
            errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED,
            errorMessage: 'Group authorization failed.',
          };
    default:
      return null;
  }
}
