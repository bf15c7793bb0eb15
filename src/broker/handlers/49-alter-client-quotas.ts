// AlterClientQuotas v0-1 (v1 flexible). Each entry sets or removes quota values of one entity
// (user, client-id, both, or ip; a null name is the type's default) as ClientQuotaRecords, all
// valid entries in one metadata batch; validate_only checks and writes nothing. Needs
// ALTER_CONFIGS on the cluster (else CLUSTER_AUTHORIZATION_FAILED for every entry), as in
// Kafka; a bad entity or key is INVALID_REQUEST for its entry only.
import {
  ErrorCode,
  type AlterClientQuotasRequest,
  type AlterClientQuotasResponse,
} from '../../protocol/index.js';
import { MetadataRecordType, type MetadataRecord } from '../../metadata/index.js';
import { mayOnCluster } from './support/authorize.js';
import { entityProblem, quotaValueProblem } from './support/client-quota-apis.js';
import { defineHandler } from './handler-registry.js';
import type { HandlerFactory } from './handler-types.js';

export const alterClientQuotasHandler: HandlerFactory = (broker) =>
  defineHandler<AlterClientQuotasRequest, AlterClientQuotasResponse>({
    apiKey: 49,
    name: 'AlterClientQuotas',
    minVersion: 0,
    maxVersion: 1,
    handle: async (request, ctx) => {
      const allowed = mayOnCluster(ctx, 'ALTER_CONFIGS');
      const records: MetadataRecord[] = [];
      const entries = request.entries.map((entry) => {
        const entity = entry.entity.map(({ entityType, entityName }) => ({
          entityType,
          entityName,
        }));
        const result = (errorCode: number, errorMessage: string | null) => ({
          errorCode,
          errorMessage,
          entity,
        });
        if (!allowed) {
          return result(ErrorCode.CLUSTER_AUTHORIZATION_FAILED, 'Cluster authorization failed.');
        }
        const problem =
          entityProblem(entity) ??
          entry.ops.map((op) => quotaValueProblem(entity, op)).find((p) => p !== null) ??
          (new Set(entry.ops.map((op) => op.key)).size !== entry.ops.length
            ? 'Duplicate quota key in one entry'
            : null);
        if (problem !== null) return result(ErrorCode.INVALID_REQUEST, problem);
        for (const op of entry.ops) {
          records.push({
            type: MetadataRecordType.ClientQuota,
            value: { entity, key: op.key, value: op.remove ? 0 : op.value, remove: op.remove },
          });
        }
        return result(ErrorCode.NONE, null);
      });
      if (!request.validateOnly && records.length > 0) {
        await broker.metadata.commitWithResult(() => ({ records, result: undefined }));
      }
      return { throttleTimeMs: 0, entries };
    },
  });
