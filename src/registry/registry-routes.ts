// Confluent's schema registry REST API over the shared HTTP layer. Every path, query
// parameter and body shape follows Confluent's API reference; writes on an instance that is
// not the leader are forwarded to the leader (see RegistryServer).
import { HttpResponse, type HttpRequest, type HttpRoute } from '../http/index.js';
import { SCHEMA_TYPES } from './formats/index.js';
import * as errors from './registry-errors.js';
import { contextOf } from './registry-state.js';
import { versionJson, type SchemaRegistry, type SchemaRequest } from './schema-registry.js';

export const SCHEMA_REGISTRY_MEDIA_TYPE = 'application/vnd.schemaregistry.v1+json';

export interface RouteContext {
  registry: SchemaRegistry;
  /** A write answered by the leader when this instance is not it, else null. */
  forward(request: HttpRequest): Promise<HttpResponse | null>;
  /** The Kafka cluster id for /v1/metadata/id. */
  kafkaClusterId(): Promise<string>;
}

function flag(request: HttpRequest, name: string): boolean {
  const v = request.query[name];
  return (Array.isArray(v) ? v[0] : v)?.toLowerCase() === 'true';
}

function text(request: HttpRequest, name: string): string | undefined {
  const v = request.query[name];
  return Array.isArray(v) ? v[0] : v;
}

function schemaId(request: HttpRequest): number {
  const raw = request.params.id ?? '';
  if (!/^-?[0-9]+$/.test(raw)) throw errors.schemaNotFound(`Schema ${raw} not found`);
  return Number(raw);
}

function body(request: HttpRequest): SchemaRequest {
  const b = request.body;
  if (b === null || typeof b !== 'object' || Array.isArray(b))
    throw errors.invalidSchema('Empty schema');
  return b as SchemaRequest;
}

function rawSchema(schema: string): HttpResponse {
  return new HttpResponse(200, schema, { 'content-type': SCHEMA_REGISTRY_MEDIA_TYPE });
}

export function registryRoutes(ctx: RouteContext): HttpRoute[] {
  const { registry } = ctx;
  const write =
    (handler: (request: HttpRequest) => Promise<unknown>) =>
    async (request: HttpRequest): Promise<unknown> =>
      (await ctx.forward(request)) ?? registry.exclusive(() => handler(request));
  return [
    { method: 'GET', url: '/', handler: () => ({}) },
    {
      method: 'GET',
      url: '/v1/metadata/id',
      handler: async () => ({
        scope: {
          path: [],
          clusters: {
            'kafka-cluster': await ctx.kafkaClusterId(),
            'schema-registry-cluster': 'schema-registry',
          },
        },
      }),
    },
    { method: 'GET', url: '/schemas/types', handler: () => SCHEMA_TYPES },
    { method: 'GET', url: '/contexts', handler: () => registry.contexts() },
    {
      method: 'GET',
      url: '/schemas',
      handler: (request) => {
        const deleted = flag(request, 'deleted');
        const latestOnly = flag(request, 'latestOnly');
        const out = [];
        for (const subject of registry.subjects({
          deleted,
          prefix: text(request, 'subjectPrefix') ?? '',
        })) {
          const versions = registry.state.versions(subject, deleted);
          out.push(...(latestOnly ? versions.slice(-1) : versions).map(versionJson));
        }
        const offset = Number(text(request, 'offset') ?? 0);
        const limit = Number(text(request, 'limit') ?? -1);
        return out.slice(offset, limit > 0 ? offset + limit : undefined);
      },
    },
    {
      method: 'GET',
      url: '/schemas/ids/:id',
      handler: (request) => {
        const subject = text(request, 'subject');
        const s = registry.schemaById(schemaId(request), subject);
        return {
          ...(s.schemaType === 'AVRO' ? {} : { schemaType: s.schemaType }),
          ...(s.references.length === 0 ? {} : { references: s.references }),
          schema: s.schema,
          ...(flag(request, 'fetchMaxId')
            ? { maxId: registry.state.ids(contextOf(subject ?? '')).maxId }
            : {}),
        };
      },
    },
    {
      method: 'GET',
      url: '/schemas/ids/:id/schema',
      handler: (request) =>
        rawSchema(registry.schemaById(schemaId(request), text(request, 'subject')).schema),
    },
    {
      method: 'GET',
      url: '/schemas/ids/:id/subjects',
      handler: (request) => [
        ...new Set(
          registry
            .versionsOfId(schemaId(request), flag(request, 'deleted'), text(request, 'subject'))
            .map((e) => e.subject),
        ),
      ],
    },
    {
      method: 'GET',
      url: '/schemas/ids/:id/versions',
      handler: (request) =>
        registry
          .versionsOfId(schemaId(request), flag(request, 'deleted'), text(request, 'subject'))
          .map((e) => ({ subject: e.subject, version: e.version })),
    },
    {
      method: 'GET',
      url: '/subjects',
      handler: (request) =>
        registry.subjects({
          deleted: flag(request, 'deleted'),
          prefix: text(request, 'subjectPrefix') ?? '',
        }),
    },
    {
      method: 'GET',
      url: '/subjects/:subject/versions',
      handler: (request) =>
        registry.listVersions(request.params.subject!, flag(request, 'deleted')),
    },
    {
      method: 'POST',
      url: '/subjects/:subject/versions',
      handler: write(async (request) => ({
        id: await registry.register(
          request.params.subject!,
          body(request),
          flag(request, 'normalize'),
        ),
      })),
    },
    {
      method: 'GET',
      url: '/subjects/:subject/versions/:version',
      handler: (request) =>
        versionJson(
          registry.getVersion(
            request.params.subject!,
            request.params.version!,
            flag(request, 'deleted'),
          ),
        ),
    },
    {
      method: 'GET',
      url: '/subjects/:subject/versions/:version/schema',
      handler: (request) =>
        rawSchema(
          registry.getVersion(
            request.params.subject!,
            request.params.version!,
            flag(request, 'deleted'),
          ).schema,
        ),
    },
    {
      method: 'GET',
      url: '/subjects/:subject/versions/:version/referencedby',
      handler: (request) => {
        const e = registry.getVersion(request.params.subject!, request.params.version!, true);
        return registry.state.referencedBy(e.subject, e.version).map((r) => r.id);
      },
    },
    {
      method: 'DELETE',
      url: '/subjects/:subject/versions/:version',
      handler: write((request) =>
        registry.deleteVersion(
          request.params.subject!,
          request.params.version!,
          flag(request, 'permanent'),
        ),
      ),
    },
    {
      method: 'POST',
      url: '/subjects/:subject',
      handler: async (request) =>
        versionJson(
          await registry.lookup(request.params.subject!, body(request), {
            normalize: flag(request, 'normalize'),
            deleted: flag(request, 'deleted'),
          }),
        ),
    },
    {
      method: 'DELETE',
      url: '/subjects/:subject',
      handler: write((request) =>
        registry.deleteSubject(request.params.subject!, flag(request, 'permanent')),
      ),
    },
    ...configRoutes(ctx, write),
    ...compatibilityRoutes(ctx),
  ];
}

type Write = (
  handler: (request: HttpRequest) => Promise<unknown>,
) => (request: HttpRequest) => Promise<unknown>;

function levelOf(request: HttpRequest): unknown {
  const b = request.body as { compatibility?: unknown; compatibilityLevel?: unknown } | null;
  return b?.compatibility ?? b?.compatibilityLevel;
}

function configRoutes({ registry }: RouteContext, write: Write): HttpRoute[] {
  const modeOf = (request: HttpRequest) => (request.body as { mode?: unknown } | null)?.mode;
  return [
    {
      method: 'GET',
      url: '/config',
      handler: () => ({ compatibilityLevel: registry.compatibility(null) }),
    },
    {
      method: 'PUT',
      url: '/config',
      handler: write(async (request) => ({
        compatibility: await registry.setCompatibility(null, levelOf(request)),
      })),
    },
    {
      method: 'DELETE',
      url: '/config',
      handler: write(async () => ({
        compatibilityLevel: await registry.deleteCompatibility(null),
      })),
    },
    {
      method: 'GET',
      url: '/config/:subject',
      handler: (request) => ({
        compatibilityLevel: registry.compatibility(
          request.params.subject!,
          flag(request, 'defaultToGlobal'),
        ),
      }),
    },
    {
      method: 'PUT',
      url: '/config/:subject',
      handler: write(async (request) => ({
        compatibility: await registry.setCompatibility(request.params.subject!, levelOf(request)),
      })),
    },
    {
      method: 'DELETE',
      url: '/config/:subject',
      handler: write(async (request) => ({
        compatibilityLevel: await registry.deleteCompatibility(request.params.subject!),
      })),
    },
    { method: 'GET', url: '/mode', handler: () => ({ mode: registry.mode(null) }) },
    {
      method: 'PUT',
      url: '/mode',
      handler: write(async (request) => ({
        mode: await registry.setMode(null, modeOf(request), flag(request, 'force')),
      })),
    },
    {
      method: 'GET',
      url: '/mode/:subject',
      handler: (request) => ({
        mode: registry.mode(request.params.subject!, flag(request, 'defaultToGlobal')),
      }),
    },
    {
      method: 'PUT',
      url: '/mode/:subject',
      handler: write(async (request) => ({
        mode: await registry.setMode(
          request.params.subject!,
          modeOf(request),
          flag(request, 'force'),
        ),
      })),
    },
    {
      method: 'DELETE',
      url: '/mode/:subject',
      handler: write(async (request) => ({
        mode: await registry.deleteMode(request.params.subject!),
      })),
    },
  ];
}

function compatibilityRoutes({ registry }: RouteContext): HttpRoute[] {
  const answer = (messages: string[], request: HttpRequest) => ({
    is_compatible: messages.length === 0,
    ...(flag(request, 'verbose') ? { messages } : {}),
  });
  return [
    {
      method: 'POST',
      url: '/compatibility/subjects/:subject/versions/:version',
      handler: async (request) =>
        answer(
          await registry.checkCompatibility(
            request.params.subject!,
            request.params.version!,
            body(request),
            flag(request, 'normalize'),
          ),
          request,
        ),
    },
    {
      method: 'POST',
      url: '/compatibility/subjects/:subject/versions',
      handler: async (request) =>
        answer(
          await registry.checkCompatibility(
            request.params.subject!,
            null,
            body(request),
            flag(request, 'normalize'),
          ),
          request,
        ),
    },
  ];
}
