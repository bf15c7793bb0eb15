// DeleteAcls v1-3 (v0 was removed in Kafka 4.0; v2+ is flexible). Without an ACL authorizer
// every filter fails with SECURITY_DISABLED and Kafka's message, matching nothing. Otherwise
// the principal needs ALTER on the cluster (CLUSTER_AUTHORIZATION_FAILED per filter); a filter
// with an UNKNOWN code is INVALID_REQUEST; the ACLs every valid filter matches are removed in
// one metadata batch (RemoveAccessControlEntryRecord) and listed under each filter that
// matched them.
import {
  ErrorCode,
  type DeleteAclsRequest,
  type DeleteAclsResponse,
  type DeleteAclsResponseDeleteAclsFilterResult as FilterResult,
} from '../../protocol/index.js';
import { MetadataRecordType, type AclFilter, type MetadataRecord } from '../../metadata/index.js';
import {
  NO_AUTHORIZER_MESSAGE,
  aclsEnabled,
  filterProblem,
  mayOnCluster,
} from './support/acl-apis.js';
import { defineHandler } from './handler-registry.js';
import type { HandlerFactory } from './handler-types.js';

export const deleteAclsHandler: HandlerFactory = (broker) =>
  defineHandler<DeleteAclsRequest, DeleteAclsResponse>({
    apiKey: 31,
    name: 'DeleteAcls',
    minVersion: 1,
    maxVersion: 3,
    handle: async (request, ctx) => {
      const everyone = (errorCode: number, errorMessage: string | null) => ({
        throttleTimeMs: 0,
        filterResults: request.filters.map(() => ({ errorCode, errorMessage, matchingAcls: [] })),
      });
      if (!aclsEnabled(ctx)) return everyone(ErrorCode.SECURITY_DISABLED, NO_AUTHORIZER_MESSAGE);
      if (!mayOnCluster(ctx, 'ALTER'))
        return everyone(ErrorCode.CLUSTER_AUTHORIZATION_FAILED, null);
      const filters: AclFilter[] = request.filters.map((f) => ({
        resourceType: f.resourceTypeFilter,
        resourceName: f.resourceNameFilter,
        patternType: f.patternTypeFilter,
        principal: f.principalFilter,
        host: f.hostFilter,
        operation: f.operation,
        permissionType: f.permissionType,
      }));
      const filterResults = await broker.metadata.commitWithResult((image) => {
        const removed = new Set<string>();
        const records: MetadataRecord[] = [];
        const result: FilterResult[] = filters.map((filter) => {
          const problem = filterProblem(filter);
          if (problem !== null) {
            return {
              errorCode: ErrorCode.INVALID_REQUEST,
              errorMessage: problem,
              matchingAcls: [],
            };
          }
          const matching = image.acls.matching(filter);
          for (const acl of matching) {
            if (removed.has(acl.id)) continue;
            removed.add(acl.id);
            records.push({
              type: MetadataRecordType.RemoveAccessControlEntry,
              value: { id: acl.id },
            });
          }
          return {
            errorCode: ErrorCode.NONE,
            errorMessage: null,
            matchingAcls: matching.map((acl) => ({
              errorCode: ErrorCode.NONE,
              errorMessage: null,
              resourceType: acl.resourceType,
              resourceName: acl.resourceName,
              patternType: acl.patternType,
              principal: acl.principal,
              host: acl.host,
              operation: acl.operation,
              permissionType: acl.permissionType,
            })),
          };
        });
        return { records, result };
      });
      return { throttleTimeMs: 0, filterResults };
    },
  });
