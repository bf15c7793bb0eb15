// DescribeClientQuotas v0-1 (v1 flexible). The quotas stored by ClientQuotaRecords whose entity
// matches every filter component: match type 0 an exact name, 1 the default entity of the type,
// 2 any named (non-default) entity; `strict` leaves out entities with types the components do
// not name. Needs DESCRIBE_CONFIGS on the cluster (else CLUSTER_AUTHORIZATION_FAILED), as in
// Kafka; a component repeating a type, or an exact match without a name, is INVALID_REQUEST.
import {
  ErrorCode,
  type DescribeClientQuotasRequest,
  type DescribeClientQuotasResponse,
} from '../../protocol/index.js';
import type { ClientQuotaEntry } from '../../metadata/index.js';
import { mayOnCluster } from './support/authorize.js';
import { defineHandler } from './handler-registry.js';
import type { HandlerFactory } from './handler-types.js';

const MATCH_EXACT = 0;
const MATCH_DEFAULT = 1;
const MATCH_SPECIFIED = 2;

type Components = DescribeClientQuotasRequest['components'];

export const describeClientQuotasHandler: HandlerFactory = (broker) =>
  defineHandler<DescribeClientQuotasRequest, DescribeClientQuotasResponse>({
    apiKey: 48,
    name: 'DescribeClientQuotas',
    minVersion: 0,
    maxVersion: 1,
    handle: (request, ctx) => {
      const fail = (errorCode: number, errorMessage: string) =>
        Promise.resolve({ throttleTimeMs: 0, errorCode, errorMessage, entries: null });
      if (!mayOnCluster(ctx, 'DESCRIBE_CONFIGS')) {
        return fail(ErrorCode.CLUSTER_AUTHORIZATION_FAILED, 'Cluster authorization failed.');
      }
      const problem = componentsProblem(request.components);
      if (problem !== null) return fail(ErrorCode.INVALID_REQUEST, problem);
      const entries = broker.metadata.image.clientQuotas
        .entries()
        .filter((e) => matches(e, request.components, request.strict))
        .map((e) => ({
          entity: e.entity.map(({ entityType, entityName }) => ({ entityType, entityName })),
          values: [...e.values].map(([key, value]) => ({ key, value })),
        }));
      return Promise.resolve({ throttleTimeMs: 0, errorCode: 0, errorMessage: null, entries });
    },
  });

function componentsProblem(components: Components): string | null {
  const types = components.map((c) => c.entityType);
  if (new Set(types).size !== types.length) return 'Duplicate entity type in filter components';
  for (const c of components) {
    if (c.matchType === MATCH_EXACT && c.match === null) {
      return `Exact match requested for entity type ${c.entityType} without a name`;
    }
    if (c.matchType < MATCH_EXACT || c.matchType > MATCH_SPECIFIED) {
      return `Unknown match type ${c.matchType}`;
    }
  }
  return null;
}

function matches(entry: ClientQuotaEntry, components: Components, strict: boolean): boolean {
  for (const c of components) {
    const part = entry.entity.find((p) => p.entityType === c.entityType);
    if (part === undefined) return false;
    if (c.matchType === MATCH_EXACT && part.entityName !== c.match) return false;
    if (c.matchType === MATCH_DEFAULT && part.entityName !== null) return false;
    if (c.matchType === MATCH_SPECIFIED && part.entityName === null) return false;
  }
  return !strict || entry.entity.length === components.length;
}
