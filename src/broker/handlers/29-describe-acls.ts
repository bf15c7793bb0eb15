// DescribeAcls v1-3 (v0 was removed in Kafka 4.0; v2 added prefixed patterns, v2+ is flexible).
// Without an ACL authorizer the answer is SECURITY_DISABLED with Kafka's message, as in Kafka.
// Otherwise the principal needs DESCRIBE on the cluster (CLUSTER_AUTHORIZATION_FAILED), a
// filter with an UNKNOWN code is INVALID_REQUEST, and the matching ACLs are grouped by
// resource pattern (ANY and MATCH patterns as Kafka's AclBindingFilter reads them).
import {
  ErrorCode,
  type DescribeAclsRequest,
  type DescribeAclsResponse,
  type DescribeAclsResponseDescribeAclsResource as Resource,
} from '../../protocol/index.js';
import type { AclFilter } from '../../metadata/index.js';
import {
  NO_AUTHORIZER_DESCRIBE_MESSAGE,
  aclsEnabled,
  filterProblem,
  mayOnCluster,
} from './support/acl-apis.js';
import { defineHandler } from './handler-registry.js';
import type { HandlerFactory } from './handler-types.js';

export const describeAclsHandler: HandlerFactory = (broker) =>
  defineHandler<DescribeAclsRequest, DescribeAclsResponse>({
    apiKey: 29,
    name: 'DescribeAcls',
    minVersion: 1,
    maxVersion: 3,
    handle: (request, ctx) => {
      const fail = (errorCode: number, errorMessage: string | null) =>
        Promise.resolve({ throttleTimeMs: 0, errorCode, errorMessage, resources: [] });
      if (!aclsEnabled(ctx)) {
        return fail(ErrorCode.SECURITY_DISABLED, NO_AUTHORIZER_DESCRIBE_MESSAGE);
      }
      if (!mayOnCluster(ctx, 'DESCRIBE')) {
        return fail(ErrorCode.CLUSTER_AUTHORIZATION_FAILED, null);
      }
      const filter: AclFilter = {
        resourceType: request.resourceTypeFilter,
        resourceName: request.resourceNameFilter,
        patternType: request.patternTypeFilter,
        principal: request.principalFilter,
        host: request.hostFilter,
        operation: request.operation,
        permissionType: request.permissionType,
      };
      const problem = filterProblem(filter);
      if (problem !== null) return fail(ErrorCode.INVALID_REQUEST, problem);
      const resources = new Map<string, Resource>();
      for (const acl of broker.metadata.image.acls.matching(filter)) {
        const key = `${acl.resourceType}\u0000${acl.patternType}\u0000${acl.resourceName}`;
        let resource = resources.get(key);
        if (resource === undefined) {
          resource = {
            resourceType: acl.resourceType,
            resourceName: acl.resourceName,
            patternType: acl.patternType,
            acls: [],
          };
          resources.set(key, resource);
        }
        const { principal, host, operation, permissionType } = acl;
        resource.acls.push({ principal, host, operation, permissionType });
      }
      return Promise.resolve({
        throttleTimeMs: 0,
        errorCode: ErrorCode.NONE,
        errorMessage: null,
        resources: [...resources.values()],
      });
    },
  });
