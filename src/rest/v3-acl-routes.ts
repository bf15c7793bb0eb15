// API v3 ACLs, as Confluent REST Proxy's AclsResource and CreateAclBatchAction: GET searches
// with the query filters (resource_type, resource_name, pattern_type, principal, host,
// operation, permission; a missing one matches anything), POST creates one ACL (201 with its
// URL in Location), POST /acls:batch creates several (204), DELETE deletes what the filters
// match and answers the ACLs deleted. Names are Kafka's (TOPIC, PREFIXED, ALLOW, ...), taken
// in any case; the broker's authorizer decides who may do it.
import {
  ACL_OPERATIONS,
  ACL_PATTERN_TYPES,
  ACL_PERMISSION_TYPES,
  ACL_RESOURCE_TYPES,
  type AclBinding,
  type AclBindingFilter,
} from '../client/index.js';
import { HttpResponse, type HttpRequest, type HttpRoute } from '../http/index.js';
import type { RestContext } from './rest-context.js';
import { badRequestV3, kafkaFailure, mapped } from './rest-errors.js';
import { list, v3Base, type V3Base } from './v3-resources.js';

const ACLS = '/v3/clusters/:cluster_id/acls';

/** The body and query fields, in the order Confluent writes them into URLs. */
const FIELDS = [
  'resource_type',
  'resource_name',
  'pattern_type',
  'principal',
  'host',
  'operation',
  'permission',
] as const;

export function v3AclRoutes(ctx: RestContext): HttpRoute[] {
  return [
    {
      method: 'GET',
      url: ACLS,
      handler: async (request) => {
        const base = await v3Base(ctx, request);
        const filter = filterOf(request.query);
        const found = await mapped(() => ctx.admin.describeAcls(filter));
        const self = `${base.cluster}/acls?${queryOf(filterFields(filter))}`;
        return list(
          'KafkaAclList',
          self,
          sorted(found).map((b) => aclOf(base, b)),
        );
      },
    },
    {
      method: 'POST',
      url: ACLS,
      handler: async (request) => {
        const base = await v3Base(ctx, request);
        const binding = bindingOf(request.body);
        await create(ctx, [binding]);
        return new HttpResponse(201, undefined, { location: selfOf(base, binding) });
      },
    },
    {
      method: 'POST',
      url: `${ACLS}::batch`,
      handler: async (request) => {
        await v3Base(ctx, request);
        const body = request.body as { data?: unknown } | undefined;
        if (body === undefined || body === null || !Array.isArray(body.data)) {
          throw badRequestV3('Null input provided. Data is required.');
        }
        await create(ctx, body.data.map(bindingOf));
        return new HttpResponse(204);
      },
    },
    {
      method: 'DELETE',
      url: ACLS,
      handler: async (request) => {
        const base = await v3Base(ctx, request);
        const [result] = await mapped(() => ctx.admin.deleteAcls([filterOf(request.query)]));
        if (result === undefined) return { data: [] };
        if (result.error !== null) throw kafkaFailure(result.error);
        return { data: sorted(result.deleted).map((b) => aclOf(base, b)) };
      },
    },
  ];
}

async function create(ctx: RestContext, bindings: AclBinding[]): Promise<void> {
  const errors = await mapped(() => ctx.admin.createAcls(bindings));
  const failed = errors.find((e) => e !== null);
  if (failed !== undefined && failed !== null) throw kafkaFailure(failed);
}

function aclOf(base: V3Base, b: AclBinding) {
  return {
    kind: 'KafkaAcl',
    metadata: { self: selfOf(base, b) },
    cluster_id: base.clusterId,
    ...bindingFields(b),
  };
}

function selfOf(base: V3Base, b: AclBinding): string {
  return `${base.cluster}/acls?${queryOf(bindingFields(b))}`;
}

function bindingFields(b: AclBinding): Record<(typeof FIELDS)[number], string> {
  return {
    resource_type: b.resourceType,
    resource_name: b.resourceName,
    pattern_type: b.patternType,
    principal: b.principal,
    host: b.host,
    operation: b.operation,
    permission: b.permissionType,
  };
}

function filterFields(f: AclBindingFilter): Record<(typeof FIELDS)[number], string> {
  return {
    resource_type: f.resourceType,
    resource_name: f.resourceName ?? '',
    pattern_type: f.patternType,
    principal: f.principal ?? '',
    host: f.host ?? '',
    operation: f.operation,
    permission: f.permissionType,
  };
}

function queryOf(fields: Record<(typeof FIELDS)[number], string>): string {
  return FIELDS.map((k) => `${k}=${encodeURIComponent(fields[k])}`).join('&');
}

/** Confluent's order: by each field in turn, the enums by their order in Kafka. */
function sorted(bindings: AclBinding[]): AclBinding[] {
  const rank = (b: AclBinding): (number | string)[] => [
    ACL_RESOURCE_TYPES.indexOf(b.resourceType),
    b.resourceName,
    ACL_PATTERN_TYPES.indexOf(b.patternType),
    b.principal,
    b.host,
    ACL_OPERATIONS.indexOf(b.operation),
    ACL_PERMISSION_TYPES.indexOf(b.permissionType),
  ];
  return [...bindings].sort((x, y) => {
    const a = rank(x);
    const b = rank(y);
    for (let i = 0; i < a.length; i++) {
      if (a[i]! < b[i]!) return -1;
      if (a[i]! > b[i]!) return 1;
    }
    return 0;
  });
}

/** One of Kafka's names for a field, in any case; `fallback` when absent. */
function enumOf<T extends string>(
  names: readonly T[],
  field: string,
  value: unknown,
  fallback?: T,
): T {
  if ((value === undefined || value === '') && fallback !== undefined) return fallback;
  if (typeof value !== 'string') throw badRequestV3(`${field} is required`);
  const name = value.toUpperCase() as T;
  if (!names.includes(name))
    throw badRequestV3(`${field}: ${value} is not one of ${names.join(', ')}`);
  return name;
}

/** The search and delete filter from the query; UNKNOWN is refused as Confluent refuses it. */
function filterOf(query: HttpRequest['query']): AclBindingFilter {
  const one = (k: string) => {
    const v = query[k];
    return Array.isArray(v) ? v[0] : v;
  };
  const text = (k: string) => {
    const v = one(k);
    return v === undefined || v === '' ? null : v;
  };
  const filter: AclBindingFilter = {
    resourceType: enumOf(ACL_RESOURCE_TYPES, 'resource_type', one('resource_type'), 'ANY'),
    resourceName: text('resource_name'),
    patternType: enumOf(ACL_PATTERN_TYPES, 'pattern_type', one('pattern_type'), 'ANY'),
    principal: text('principal'),
    host: text('host'),
    operation: enumOf(ACL_OPERATIONS, 'operation', one('operation'), 'ANY'),
    permissionType: enumOf(ACL_PERMISSION_TYPES, 'permission', one('permission'), 'ANY'),
  };
  if (filter.resourceType === 'UNKNOWN') throw badRequestV3('resource_type cannot be UNKNOWN');
  if (filter.patternType === 'UNKNOWN') throw badRequestV3('pattern_type cannot be UNKNOWN');
  if (filter.operation === 'UNKNOWN') throw badRequestV3('operation cannot be UNKNOWN');
  if (filter.permissionType === 'UNKNOWN') throw badRequestV3('permission cannot be UNKNOWN');
  return filter;
}

/** A create body: every field given, and none of the filter-only values (ANY, MATCH). */
function bindingOf(body: unknown): AclBinding {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badRequestV3('The body must be an ACL: {"resource_type", "resource_name", ...}');
  }
  const b = body as Record<string, unknown>;
  const text = (k: string) => {
    const v = b[k];
    if (typeof v !== 'string' || v === '') throw badRequestV3(`${k} is required`);
    return v;
  };
  const binding: AclBinding = {
    resourceType: enumOf(ACL_RESOURCE_TYPES, 'resource_type', b.resource_type),
    resourceName: text('resource_name'),
    patternType: enumOf(ACL_PATTERN_TYPES, 'pattern_type', b.pattern_type),
    principal: text('principal'),
    host: text('host'),
    operation: enumOf(ACL_OPERATIONS, 'operation', b.operation),
    permissionType: enumOf(ACL_PERMISSION_TYPES, 'permission', b.permission),
  };
  if (binding.resourceType === 'ANY' || binding.resourceType === 'UNKNOWN') {
    throw badRequestV3(`resource_type cannot be ${binding.resourceType}`);
  }
  if (!['LITERAL', 'PREFIXED'].includes(binding.patternType)) {
    throw badRequestV3(`pattern_type cannot be ${binding.patternType}`);
  }
  if (binding.operation === 'ANY' || binding.operation === 'UNKNOWN') {
    throw badRequestV3(`operation cannot be ${binding.operation}`);
  }
  if (binding.permissionType === 'ANY' || binding.permissionType === 'UNKNOWN') {
    throw badRequestV3(`permission cannot be ${binding.permissionType}`);
  }
  return binding;
}
