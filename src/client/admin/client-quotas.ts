// The admin client's client quota calls, as the Java Admin's describeClientQuotas /
// alterClientQuotas: an entity is a map of entity type (`user`, `client-id`, `ip`) to name,
// null for the type's default entity; a filter lists components (an exact name, the default,
// or any named entity) and may be strict.
import {
  createAlterClientQuotasRequest,
  createDescribeClientQuotasRequest,
  type AlterClientQuotasResponse,
  type DescribeClientQuotasResponse,
} from '../../protocol/index.js';
import type { Cluster } from '../cluster.js';
import { KafkaError } from '../errors.js';

const DESCRIBE_CLIENT_QUOTAS = 48;
const ALTER_CLIENT_QUOTAS = 49;

/** Entity type → name; null is the default entity (Kafka's `<default>`). */
export type ClientQuotaEntity = Record<string, string | null>;

/** One filter component: an exact name, the default entity, or any named entity. */
export type ClientQuotaFilterComponent =
  | { entityType: string; match: string }
  | { entityType: string; matchDefault: true }
  | { entityType: string; matchSpecified: true };

export interface ClientQuotaFilter {
  components: ClientQuotaFilterComponent[];
  strict?: boolean;
}

/** A quota value to set, or (value null) to remove. */
export interface ClientQuotaAlteration {
  entity: ClientQuotaEntity;
  ops: { key: string; value: number | null }[];
}

export interface ClientQuotaEntry {
  entity: ClientQuotaEntity;
  values: Record<string, number>;
}

/** The quotas of the entities the filter matches; throws the broker's error. */
export async function describeClientQuotas(
  cluster: Cluster,
  filter: ClientQuotaFilter,
): Promise<ClientQuotaEntry[]> {
  const response = await cluster.send<DescribeClientQuotasResponse>(
    'any',
    DESCRIBE_CLIENT_QUOTAS,
    createDescribeClientQuotasRequest({
      components: filter.components.map((c) =>
        'match' in c
          ? { entityType: c.entityType, matchType: 0, match: c.match }
          : { entityType: c.entityType, matchType: 'matchDefault' in c ? 1 : 2, match: null },
      ),
      strict: filter.strict ?? false,
    }),
  );
  if (response.errorCode !== 0) {
    throw new KafkaError(response.errorCode, response.errorMessage ?? undefined);
  }
  return (response.entries ?? []).map((e) => ({
    entity: Object.fromEntries(e.entity.map((p) => [p.entityType, p.entityName])),
    values: Object.fromEntries(e.values.map((v) => [v.key, v.value])),
  }));
}

/** Sets and removes quotas; one error per alteration (null when applied), in order. */
export async function alterClientQuotas(
  cluster: Cluster,
  alterations: readonly ClientQuotaAlteration[],
  options: { validateOnly?: boolean } = {},
): Promise<(KafkaError | null)[]> {
  const response = await cluster.send<AlterClientQuotasResponse>(
    'any',
    ALTER_CLIENT_QUOTAS,
    createAlterClientQuotasRequest({
      validateOnly: options.validateOnly ?? false,
      entries: alterations.map((a) => ({
        entity: Object.entries(a.entity).map(([entityType, entityName]) => ({
          entityType,
          entityName,
        })),
        ops: a.ops.map((op) => ({ key: op.key, value: op.value ?? 0, remove: op.value === null })),
      })),
    }),
  );
  return response.entries.map((e) =>
    e.errorCode === 0 ? null : new KafkaError(e.errorCode, e.errorMessage ?? undefined),
  );
}
