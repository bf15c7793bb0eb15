// The shapes of API v3 answers, as Confluent's REST Proxy writes them: every resource has a
// `kind`, `metadata.self` (its URL) and `metadata.resource_name` (a CRN), and points at related
// resources with `{"related": url}`; lists are `{"kind": "...List", "metadata": {"self",
// "next"}, "data": [...]}`.
import type { HttpRequest } from '../http/index.js';
import type { RestContext } from './rest-context.js';

export interface V3Base {
  /** `http://host:port/v3/clusters/<id>` */
  cluster: string;
  /** `crn:///kafka=<id>` */
  crn: string;
  clusterId: string;
}

export async function v3Base(
  ctx: RestContext,
  request: HttpRequest,
  clusterId?: string,
): Promise<V3Base> {
  const id = await ctx.checkCluster(clusterId ?? request.params.cluster_id);
  return {
    cluster: `${ctx.baseUrl(request)}/v3/clusters/${id}`,
    crn: `crn:///kafka=${id}`,
    clusterId: id,
  };
}

export function resource(
  kind: string,
  self: string,
  resourceName: string | null,
  fields: Record<string, unknown>,
): Record<string, unknown> {
  return {
    kind,
    metadata: resourceName === null ? { self } : { self, resource_name: resourceName },
    ...fields,
  };
}

export function list(kind: string, self: string, data: unknown[]): Record<string, unknown> {
  return { kind, metadata: { self, next: null }, data };
}

export const related = (url: string) => ({ related: url });

/** A config entry as v3 lists it (topic and broker configs share the fields). */
export function configFields(entry: {
  name: string;
  value: string | null;
  isDefault: boolean;
  readOnly: boolean;
  isSensitive: boolean;
  source: string;
  synonyms: { name: string; value: string | null; source: string }[];
}) {
  return {
    name: entry.name,
    value: entry.isSensitive ? null : entry.value,
    is_default: entry.isDefault,
    is_read_only: entry.readOnly,
    is_sensitive: entry.isSensitive,
    source: entry.source,
    synonyms: entry.synonyms.map((s) => ({ name: s.name, value: s.value, source: s.source })),
  };
}
