// CreateAcls v1-3 (v0 was removed in Kafka 4.0; v2+ is flexible). Without an ACL authorizer
// every creation fails with SECURITY_DISABLED and Kafka's message. Otherwise the principal
// needs ALTER on the cluster (each result CLUSTER_AUTHORIZATION_FAILED); each creation is
// validated on its own (INVALID_REQUEST with Kafka's message), and the valid ones are written
// as AccessControlEntryRecords in one metadata batch. An ACL that already exists is not
// written twice, and its creation succeeds, as in Kafka.
import {
  ErrorCode,
  type CreateAclsRequest,
  type CreateAclsResponse,
  type CreateAclsResponseAclCreationResult as Result,
} from '../../protocol/index.js';
import { MetadataRecordType, type AclBinding, type MetadataRecord } from '../../metadata/index.js';
import {
  NO_AUTHORIZER_MESSAGE,
  aclsEnabled,
  mayOnCluster,
  newAclProblem,
} from './support/acl-apis.js';
import { defineHandler } from './handler-registry.js';
import type { HandlerFactory } from './handler-types.js';

export const createAclsHandler: HandlerFactory = (broker) =>
  defineHandler<CreateAclsRequest, CreateAclsResponse>({
    apiKey: 30,
    name: 'CreateAcls',
    minVersion: 1,
    maxVersion: 3,
    handle: async (request, ctx) => {
      const everyone = (errorCode: number, errorMessage: string | null) => ({
        throttleTimeMs: 0,
        results: request.creations.map(() => ({ errorCode, errorMessage })),
      });
      if (!aclsEnabled(ctx)) return everyone(ErrorCode.SECURITY_DISABLED, NO_AUTHORIZER_MESSAGE);
      if (!mayOnCluster(ctx, 'ALTER'))
        return everyone(ErrorCode.CLUSTER_AUTHORIZATION_FAILED, null);
      const bindings: AclBinding[] = request.creations.map((c) => ({
        resourceType: c.resourceType,
        resourceName: c.resourceName,
        patternType: c.resourcePatternType,
        principal: c.principal,
        host: c.host,
        operation: c.operation,
        permissionType: c.permissionType,
      }));
      const results: Result[] = bindings.map((b) => {
        const problem = newAclProblem(b);
        return problem === null
          ? { errorCode: ErrorCode.NONE, errorMessage: null }
          : { errorCode: ErrorCode.INVALID_REQUEST, errorMessage: problem };
      });
      await broker.metadata.commitWithResult((image) => {
        const records: MetadataRecord[] = [];
        const batch: AclBinding[] = [];
        bindings.forEach((b, i) => {
          if (results[i]!.errorCode !== ErrorCode.NONE || image.acls.find(b) !== undefined) return;
          if (batch.some((x) => sameAcl(x, b))) return;
          batch.push(b);
          const id = broker.environment.random.uuid();
          records.push({ type: MetadataRecordType.AccessControlEntry, value: { id, ...b } });
        });
        return { records, result: undefined };
      });
      return { throttleTimeMs: 0, results };
    },
  });

function sameAcl(a: AclBinding, b: AclBinding): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
