// A client for Confluent's Schema Registry API over HTTP (fetch), with the caches serdes
// need: ids of registered schemas, schemas by id, and latest versions for a bounded time.
// It works against any Confluent-compatible registry, Rivulet's own included.

export interface RegistrySchema {
  schemaType?: 'AVRO' | 'JSON' | 'PROTOBUF';
  schema: string;
  references?: { name: string; subject: string; version: number }[];
}

export interface RegisteredSchema extends RegistrySchema {
  subject: string;
  version: number;
  id: number;
}

export interface SchemaRegistryClientOptions {
  /** schema.registry.url: one URL, or several (comma-separated or a list) tried in turn. */
  url: string | readonly string[];
  /** basic.auth.user.info as "user:password". */
  basicAuthUserInfo?: string;
  /** How long a latest version stays cached (latest.cache.ttl.sec). Default 60 s. */
  latestCacheTtlMs?: number;
  /** The most entries each cache keeps (schema.cache.capacity). Default 1000. */
  cacheCapacity?: number;
}

export class SchemaRegistryError extends Error {
  override name = 'SchemaRegistryError';
  constructor(
    readonly status: number,
    readonly errorCode: number,
    message: string,
  ) {
    super(message);
  }
}

const MEDIA_TYPE = 'application/vnd.schemaregistry.v1+json';

export class SchemaRegistryClient {
  private readonly urls: string[];
  private readonly headers: Record<string, string>;
  private readonly ids = new Map<string, Promise<number>>();
  private readonly byId = new Map<number, Promise<RegistrySchema>>();
  private readonly latest = new Map<string, { at: number; value: Promise<RegisteredSchema> }>();
  private readonly capacity: number;

  constructor(private readonly options: SchemaRegistryClientOptions) {
    const list = typeof options.url === 'string' ? options.url.split(',') : [...options.url];
    this.urls = list.map((u) => u.trim().replace(/\/+$/, '')).filter((u) => u !== '');
    if (this.urls.length === 0) throw new Error('schema.registry.url is empty');
    this.headers = { accept: MEDIA_TYPE, 'content-type': MEDIA_TYPE };
    if (options.basicAuthUserInfo !== undefined)
      this.headers.authorization = `Basic ${Buffer.from(options.basicAuthUserInfo).toString('base64')}`;
    this.capacity = options.cacheCapacity ?? 1000;
  }

  /** Registers a schema under a subject (or finds it there) and returns its id. */
  register(
    subject: string,
    schema: RegistrySchema,
    options: { normalize?: boolean } = {},
  ): Promise<number> {
    const key = JSON.stringify([
      subject,
      schema.schemaType ?? 'AVRO',
      schema.schema,
      schema.references ?? [],
      options.normalize,
    ]);
    return this.cached(this.ids, key, async () => {
      const body = await this.request<{ id: number }>(
        'POST',
        `/subjects/${encodeURIComponent(subject)}/versions${options.normalize === true ? '?normalize=true' : ''}`,
        wireSchema(schema),
      );
      return body.id;
    });
  }

  /** The version of a subject holding this schema (POST /subjects/{subject}). */
  lookup(
    subject: string,
    schema: RegistrySchema,
    options: { normalize?: boolean } = {},
  ): Promise<RegisteredSchema> {
    return this.request(
      'POST',
      `/subjects/${encodeURIComponent(subject)}${options.normalize === true ? '?normalize=true' : ''}`,
      wireSchema(schema),
    );
  }

  /** The id of a schema already registered under the subject (auto.register.schemas=false). */
  getId(
    subject: string,
    schema: RegistrySchema,
    options: { normalize?: boolean } = {},
  ): Promise<number> {
    const key = JSON.stringify([
      'lookup',
      subject,
      schema.schemaType ?? 'AVRO',
      schema.schema,
      schema.references ?? [],
    ]);
    return this.cached(this.ids, key, async () => (await this.lookup(subject, schema, options)).id);
  }

  getSchemaById(id: number): Promise<RegistrySchema> {
    return this.cached(this.byId, id, () =>
      this.request<RegistrySchema>('GET', `/schemas/ids/${id}`),
    );
  }

  getVersion(subject: string, version: number | 'latest'): Promise<RegisteredSchema> {
    return this.request('GET', `/subjects/${encodeURIComponent(subject)}/versions/${version}`);
  }

  /** The latest version of a subject, cached for latestCacheTtlMs (use.latest.version). */
  getLatestVersion(subject: string): Promise<RegisteredSchema> {
    const hit = this.latest.get(subject);
    const ttl = this.options.latestCacheTtlMs ?? 60_000;
    if (hit !== undefined && Date.now() - hit.at < ttl) return hit.value;
    const value = this.getVersion(subject, 'latest');
    value.catch(() => this.latest.delete(subject));
    this.latest.set(subject, { at: Date.now(), value });
    return value;
  }

  /** Any request to the registry; the answer's JSON body, or a thrown SchemaRegistryError. */
  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    let lastError: Error | null = null;
    for (const url of this.urls) {
      let response: Response;
      try {
        response = await fetch(url + path, {
          method,
          headers: this.headers,
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
      } catch (err) {
        lastError = err as Error;
        continue;
      }
      const text = await response.text();
      const parsed: unknown = text === '' ? null : JSON.parse(text);
      if (response.ok) return parsed as T;
      const e = (parsed ?? {}) as { error_code?: number; message?: string };
      throw new SchemaRegistryError(
        response.status,
        e.error_code ?? response.status,
        e.message ?? response.statusText,
      );
    }
    throw lastError ?? new Error('no schema registry answered');
  }

  private cached<K, V>(cache: Map<K, Promise<V>>, key: K, load: () => Promise<V>): Promise<V> {
    const hit = cache.get(key);
    if (hit !== undefined) return hit;
    const value = load();
    value.catch(() => cache.delete(key));
    if (cache.size >= this.capacity) cache.delete(cache.keys().next().value as K);
    cache.set(key, value);
    return value;
  }
}

function wireSchema(schema: RegistrySchema): object {
  return {
    schema: schema.schema,
    ...(schema.schemaType === undefined || schema.schemaType === 'AVRO'
      ? {}
      : { schemaType: schema.schemaType }),
    ...(schema.references === undefined || schema.references.length === 0
      ? {}
      : { references: schema.references }),
  };
}
