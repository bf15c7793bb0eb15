// The schema registry's operations, as Confluent's REST API defines them: each reads the
// replayed state and, for a change, writes records to `_schemas` through the KafkaStore and
// returns once they have been read back. Expected failures are thrown as the HttpErrors of
// registry-errors.ts; the routes turn them into `{error_code, message}` answers.
import {
  formatFor,
  InvalidSchemaError,
  type ParsedSchema,
  type ResolvedReference,
  type SchemaType,
} from './formats/index.js';
import * as errors from './registry-errors.js';
import {
  contextOf,
  GLOBAL,
  RegistryState,
  schemaIdentity,
  type VersionEntry,
} from './registry-state.js';
import { schemaKey, type SchemaRecordValue, type SchemaReference } from './schema-records.js';
import type { KafkaStore } from './kafka-store.js';
import { SerialQueue } from '../util/serial-queue.js';

export const COMPATIBILITY_LEVELS = [
  'NONE',
  'BACKWARD',
  'BACKWARD_TRANSITIVE',
  'FORWARD',
  'FORWARD_TRANSITIVE',
  'FULL',
  'FULL_TRANSITIVE',
] as const;
export const MODES = ['READWRITE', 'READONLY', 'IMPORT', 'READWRITE_OVERRIDE'] as const;

/** The deepest chain of references followed; deeper (or cyclic) chains are refused. */
const MAX_REFERENCE_DEPTH = 32;
const MAX_PARSED_CACHE = 10_000;

export interface SchemaRequest {
  schema?: unknown;
  schemaType?: unknown;
  references?: unknown;
  id?: unknown;
  version?: unknown;
}

export interface RegistryOptions {
  /** schema.compatibility.level */
  compatibilityLevel?: string;
}

export type VersionJson = {
  subject: string;
  version: number;
  id: number;
  schemaType?: SchemaType;
  references?: SchemaReference[];
  schema: string;
};

export function versionJson(e: VersionEntry): VersionJson {
  return {
    subject: e.subject,
    version: e.version,
    id: e.id,
    ...(e.schemaType === 'AVRO' ? {} : { schemaType: e.schemaType }),
    ...(e.references.length === 0 ? {} : { references: e.references }),
    schema: e.schema,
  };
}

export class SchemaRegistry {
  readonly state = new RegistryState();
  private readonly parsed = new Map<string, ParsedSchema>();
  private readonly requestParses = new Map<string, ParsedSchema>();
  private store: KafkaStore | null = null;
  private readonly defaultLevel: string;
  private readonly writes = new SerialQueue();

  constructor(options: RegistryOptions = {}) {
    this.defaultLevel = (options.compatibilityLevel ?? 'BACKWARD').toUpperCase();
  }

  /**
   * Runs a write alone: ids and versions are computed from the state, so two registrations
   * at once would otherwise take the same id.
   */
  exclusive<T>(op: () => Promise<T>): Promise<T> {
    return this.writes.run(op);
  }

  attach(store: KafkaStore): void {
    this.store = store;
  }

  // ---- reads ----

  subjects(options: { deleted?: boolean; prefix?: string } = {}): string[] {
    const prefix = options.prefix ?? '';
    return [...this.state.subjects.keys()]
      .filter((s) => s.startsWith(prefix) && this.state.versions(s, options.deleted).length > 0)
      .sort();
  }

  listVersions(subject: string, deleted = false): number[] {
    const versions = this.state.versions(subject, deleted);
    if (versions.length === 0) throw errors.subjectNotFound(subject);
    return versions.map((v) => v.version);
  }

  getVersion(subject: string, version: string, deleted = false): VersionEntry {
    const wanted = parseVersion(version);
    const all = this.state.versions(subject, true);
    if (all.length === 0) throw errors.subjectNotFound(subject);
    const visible = all.filter((e) => deleted || !e.deleted);
    if (wanted === 'latest') {
      const latest = visible.at(-1);
      if (latest === undefined) throw errors.subjectNotFound(subject);
      return latest;
    }
    const found = visible.find((e) => e.version === wanted);
    if (found === undefined) throw errors.versionNotFound(wanted);
    return found;
  }

  /** A schema by id, in the context of `subject` (the default context without one). */
  schemaById(
    id: number,
    subject?: string,
  ): {
    schemaType: SchemaType;
    references: SchemaReference[];
    schema: string;
  } {
    const found = this.state.ids(contextOf(subject ?? '')).byId.get(id);
    if (found === undefined) throw errors.schemaNotFound(`Schema ${id} not found`);
    return found;
  }

  versionsOfId(id: number, deleted = false, subject?: string): VersionEntry[] {
    this.schemaById(id, subject);
    const context = contextOf(subject ?? '');
    const out: VersionEntry[] = [];
    for (const s of [...this.state.subjects.keys()].sort())
      if (contextOf(s) === context)
        for (const e of this.state.versions(s, deleted)) if (e.id === id) out.push(e);
    return out;
  }

  /** The contexts that hold subjects; the default context always. */
  contexts(): string[] {
    const names = new Set(['.']);
    for (const s of this.state.subjects.keys()) names.add(contextOf(s));
    return [...names].sort();
  }

  compatibility(subject: string | null, defaultToGlobal = false): string {
    if (subject === null) return this.state.configs.get(GLOBAL) ?? this.defaultLevel;
    const level = this.state.configs.get(subject);
    if (level !== undefined) return level;
    if (!defaultToGlobal) throw errors.subjectConfigNotFound(subject);
    return this.compatibility(null);
  }

  mode(subject: string | null, defaultToGlobal = false): string {
    if (subject === null) return this.state.modes.get(GLOBAL) ?? 'READWRITE';
    const mode = this.state.modes.get(subject);
    if (mode !== undefined) return mode;
    if (!defaultToGlobal) throw errors.subjectModeNotFound(subject);
    return this.mode(null);
  }

  /** POST /subjects/{s}: the version of the subject that holds this schema. */
  async lookup(
    subject: string,
    request: SchemaRequest,
    options: { normalize?: boolean; deleted?: boolean } = {},
  ): Promise<VersionEntry> {
    const all = this.state.versions(subject, options.deleted);
    if (all.length === 0) throw errors.subjectNotFound(subject);
    const { schemaType, references, parsed } = await this.parseRequest(request);
    const text = parsed.canonical(options.normalize === true);
    const normalized = parsed.canonical(true);
    let found: VersionEntry | undefined;
    for (const e of all) {
      if (e.schemaType !== schemaType || !sameReferences(e.references, references)) continue;
      if (
        e.schema === text ||
        (options.normalize === true && (await this.parsedOf(e)).canonical(true) === normalized)
      ) {
        found = e;
        break;
      }
    }
    if (found === undefined) throw errors.schemaNotFound();
    return found;
  }

  /** The messages of the compatibility check of a candidate against one or all versions. */
  async checkCompatibility(
    subject: string,
    version: string | null,
    request: SchemaRequest,
    normalize = false,
  ): Promise<string[]> {
    const { parsed } = await this.parseRequest(request);
    void normalize;
    const level = this.compatibility(subject, true);
    if (version !== null) {
      const against = this.getVersion(subject, version);
      return this.compatibilityMessages(level.replace('_TRANSITIVE', ''), parsed, [against]);
    }
    return this.compatibilityMessages(level, parsed, this.state.versions(subject));
  }

  // ---- writes ----

  async register(subject: string, request: SchemaRequest, normalize = false): Promise<number> {
    const mode = this.mode(subject, true);
    if (mode === 'READONLY')
      throw errors.operationNotPermitted(`Subject ${subject} is in read-only mode`);
    const { schemaType, references, parsed } = await this.parseRequest(request);
    const text = parsed.canonical(normalize);
    const identity = schemaIdentity(schemaType, text, references);
    const importing = mode === 'IMPORT';
    const requestedId =
      request.id === undefined || request.id === null || request.id === -1
        ? null
        : Number(request.id);
    if (requestedId !== null && !importing)
      throw errors.operationNotPermitted(`Subject ${subject} is not in import mode`);
    const versions = this.state.versions(subject);
    const existing = versions.find(
      (e) => schemaIdentity(e.schemaType, e.schema, e.references) === identity,
    );
    if (existing !== undefined && (requestedId === null || requestedId === existing.id))
      return existing.id;
    if (!importing) {
      const level = this.compatibility(subject, true);
      const messages = await this.compatibilityMessages(level, parsed, versions);
      if (messages.length > 0)
        throw errors.incompatibleSchema(
          `Schema being registered is incompatible with an earlier schema for subject "${subject}", details: [${messages.join(', ')}]`,
        );
    }
    const ids = this.state.ids(contextOf(subject));
    let id = requestedId ?? ids.byIdentity.get(identity) ?? ids.maxId + 1;
    if (requestedId !== null) {
      const held = ids.byId.get(requestedId);
      if (
        held !== undefined &&
        schemaIdentity(held.schemaType, held.schema, held.references) !== identity
      )
        throw errors.operationNotPermitted(
          `Overwrite new schema with id ${requestedId} is not permitted.`,
        );
    } else if (!ids.byId.has(id) && id <= ids.maxId) {
      id = ids.maxId + 1;
    }
    const all = this.state.versions(subject, true);
    const version =
      importing && typeof request.version === 'number' && request.version > 0
        ? request.version
        : (all.at(-1)?.version ?? 0) + 1;
    const value: SchemaRecordValue = {
      subject,
      version,
      id,
      ...(schemaType === 'AVRO' ? {} : { schemaType }),
      references,
      schema: text,
      deleted: false,
    };
    await this.write(schemaKey(subject, version), value);
    return id;
  }

  async deleteVersion(subject: string, version: string, permanent: boolean): Promise<number> {
    this.checkWritable(subject);
    const wanted = parseVersion(version);
    const all = this.state.versions(subject, true);
    if (all.length === 0) throw errors.subjectNotFound(subject);
    const entry =
      wanted === 'latest'
        ? all.filter((e) => !e.deleted || permanent).at(-1)
        : all.find((e) => e.version === wanted);
    if (entry === undefined) throw errors.versionNotFound(wanted);
    const referencing = this.state.referencedBy(subject, entry.version);
    if (referencing.length > 0)
      throw errors.referenceExists(
        `One or more references exist to the schema {magic=1,keytype=SCHEMA,subject=${subject},version=${entry.version}}.`,
      );
    if (permanent) {
      if (!entry.deleted) throw errors.versionNotSoftDeleted(subject, entry.version);
      await this.write(schemaKey(subject, entry.version), null);
    } else {
      if (entry.deleted) throw errors.versionSoftDeleted(subject, entry.version);
      await this.write(schemaKey(subject, entry.version), { ...recordOf(entry), deleted: true });
    }
    return entry.version;
  }

  async deleteSubject(subject: string, permanent: boolean): Promise<number[]> {
    this.checkWritable(subject);
    const all = this.state.versions(subject, true);
    if (all.length === 0) throw errors.subjectNotFound(subject);
    for (const e of all)
      if (this.state.referencedBy(subject, e.version).length > 0)
        throw errors.referenceExists(
          `One or more references exist to the schema {magic=1,keytype=SCHEMA,subject=${subject},version=${e.version}}.`,
        );
    const live = all.filter((e) => !e.deleted);
    if (permanent) {
      if (live.length > 0) throw errors.subjectNotSoftDeleted(subject);
      for (const e of all) await this.write(schemaKey(subject, e.version), null);
      if (this.state.configs.has(subject))
        await this.write({ keytype: 'CONFIG', subject, magic: 0 }, null);
      if (this.state.modes.has(subject))
        await this.write({ keytype: 'MODE', subject, magic: 0 }, null);
      return all.map((e) => e.version);
    }
    if (live.length === 0) throw errors.subjectSoftDeleted(subject);
    await this.write(
      { keytype: 'DELETE_SUBJECT', subject, magic: 0 },
      { subject, version: live.at(-1)!.version },
    );
    for (const e of live)
      await this.write(schemaKey(subject, e.version), { ...recordOf(e), deleted: true });
    return live.map((e) => e.version);
  }

  async setCompatibility(subject: string | null, level: unknown): Promise<string> {
    const normalized = typeof level === 'string' ? level.toUpperCase() : '';
    if (!(COMPATIBILITY_LEVELS as readonly string[]).includes(normalized))
      throw errors.invalidCompatibilityLevel();
    if (subject !== null) this.checkWritable(subject);
    await this.write({ keytype: 'CONFIG', subject, magic: 0 }, { compatibilityLevel: normalized });
    return normalized;
  }

  async deleteCompatibility(subject: string | null): Promise<string> {
    const previous = this.compatibility(subject);
    if (subject !== null) this.checkWritable(subject);
    await this.write({ keytype: 'CONFIG', subject, magic: 0 }, null);
    return previous;
  }

  async setMode(subject: string | null, mode: unknown, force = false): Promise<string> {
    const normalized = typeof mode === 'string' ? mode.toUpperCase() : '';
    if (!(MODES as readonly string[]).includes(normalized)) throw errors.invalidMode(String(mode));
    if (normalized === 'IMPORT' && !force) {
      const has =
        subject === null ? this.subjects().length > 0 : this.state.versions(subject).length > 0;
      if (has) throw errors.operationNotPermitted('Cannot import since found existing subjects');
    }
    await this.write({ keytype: 'MODE', subject, magic: 0 }, { mode: normalized });
    return normalized;
  }

  async deleteMode(subject: string): Promise<string> {
    const previous = this.mode(subject);
    await this.write({ keytype: 'MODE', subject, magic: 0 }, null);
    return previous;
  }

  // ---- helpers ----

  private checkWritable(subject: string): void {
    if (this.mode(subject, true) === 'READONLY')
      throw errors.operationNotPermitted(`Subject ${subject} is in read-only mode`);
  }

  private async write(key: Parameters<KafkaStore['write']>[0], value: unknown): Promise<void> {
    if (this.store === null) throw errors.storeError('The registry has no store');
    try {
      await this.store.write(key, value);
    } catch (err) {
      const message = (err as Error).message;
      if (message.startsWith('timed out'))
        throw errors.operationTimeout(`Write to the Kafka store timed out: ${message}`);
      throw errors.storeError(`Error while writing to the Kafka store: ${message}`);
    }
  }

  private async parseRequest(
    request: SchemaRequest,
  ): Promise<{ schemaType: SchemaType; references: SchemaReference[]; parsed: ParsedSchema }> {
    if (typeof request !== 'object' || request === null || typeof request.schema !== 'string')
      throw errors.invalidSchema('Empty schema');
    const typeName =
      request.schemaType === undefined || request.schemaType === null
        ? 'AVRO'
        : String(request.schemaType);
    const format = formatFor(typeName);
    if (format === undefined) throw errors.invalidSchema(`Invalid schema type ${typeName}`);
    const references = parseReferences(request.references);
    // Clients send the same schema again and again (every serializer start, every lookup), so
    // the parse of a text seen before is reused; not with references, whose targets a hard
    // delete may change.
    const key = references.length === 0 ? `${format.type}\0${request.schema}` : null;
    const cached = key === null ? undefined : this.requestParses.get(key);
    if (cached !== undefined) return { schemaType: format.type, references, parsed: cached };
    const resolved = this.resolveReferences(references, 0);
    try {
      const parsed = await format.parse(request.schema, resolved);
      if (key !== null) {
        if (this.requestParses.size >= MAX_PARSED_CACHE) this.requestParses.clear();
        this.requestParses.set(key, parsed);
      }
      return { schemaType: format.type, references, parsed };
    } catch (err) {
      if (err instanceof InvalidSchemaError) throw errors.invalidSchema(err.message);
      throw err;
    }
  }

  private resolveReferences(
    references: readonly SchemaReference[],
    depth: number,
  ): ResolvedReference[] {
    if (references.length > 0 && depth >= MAX_REFERENCE_DEPTH)
      throw errors.invalidSchema(
        `Invalid schema: references nest deeper than ${MAX_REFERENCE_DEPTH} (a reference cycle?)`,
      );
    return references.map((ref) => {
      const entry = this.state.versions(ref.subject, true).find((e) => e.version === ref.version);
      if (entry === undefined)
        throw errors.invalidSchema(
          `Invalid schema: reference ${ref.name} to subject ${ref.subject} version ${ref.version} not found`,
        );
      return {
        ...ref,
        schema: entry.schema,
        references: this.resolveReferences(entry.references, depth + 1),
      };
    });
  }

  private async parsedOf(e: {
    schemaType: SchemaType;
    schema: string;
    references: SchemaReference[];
  }): Promise<ParsedSchema> {
    const identity = schemaIdentity(e.schemaType, e.schema, e.references);
    const cached = this.parsed.get(identity);
    if (cached !== undefined) return cached;
    const parsed = await formatFor(e.schemaType)!.parse(
      e.schema,
      this.resolveReferences(e.references, 0),
    );
    if (this.parsed.size >= MAX_PARSED_CACHE) this.parsed.clear();
    this.parsed.set(identity, parsed);
    return parsed;
  }

  private async compatibilityMessages(
    level: string,
    candidate: ParsedSchema,
    previous: readonly VersionEntry[],
  ): Promise<string[]> {
    if (level === 'NONE' || previous.length === 0) return [];
    const against = level.endsWith('_TRANSITIVE') ? [...previous].reverse() : previous.slice(-1);
    const base = level.replace('_TRANSITIVE', '');
    for (const entry of against) {
      const old = await this.parsedOf(entry);
      const messages: string[] = [];
      if (old.type !== candidate.type)
        messages.push('Incompatible because of different schema type');
      else {
        if (base === 'BACKWARD' || base === 'FULL')
          messages.push(...candidate.readerIncompatibilities(old));
        if (base === 'FORWARD' || base === 'FULL')
          messages.push(...old.readerIncompatibilities(candidate));
      }
      if (messages.length > 0)
        return [
          ...messages,
          `{oldSchemaVersion: ${entry.version}}`,
          `{oldSchema: '${entry.schema}'}`,
          `{compatibility: '${level}'}`,
        ];
    }
    return [];
  }
}

function recordOf(e: VersionEntry): SchemaRecordValue {
  return {
    subject: e.subject,
    version: e.version,
    id: e.id,
    ...(e.schemaType === 'AVRO' ? {} : { schemaType: e.schemaType }),
    references: e.references,
    schema: e.schema,
    deleted: e.deleted,
  };
}

export function parseVersion(version: string): number | 'latest' {
  if (version === 'latest' || version === '-1') return 'latest';
  if (!/^[0-9]+$/.test(version)) throw errors.invalidVersion(version);
  const n = Number(version);
  if (n < 1 || n > 2 ** 31 - 1) throw errors.invalidVersion(version);
  return n;
}

function parseReferences(value: unknown): SchemaReference[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value))
    throw errors.invalidSchema('Invalid schema: references must be an array');
  return value.map((r: unknown) => {
    const ref = r as Partial<SchemaReference>;
    if (
      typeof ref?.name !== 'string' ||
      typeof ref.subject !== 'string' ||
      typeof ref.version !== 'number'
    )
      throw errors.invalidSchema('Invalid schema: a reference needs name, subject and version');
    return { name: ref.name, subject: ref.subject, version: ref.version };
  });
}

function sameReferences(a: readonly SchemaReference[], b: readonly SchemaReference[]): boolean {
  return schemaIdentity('', '', a) === schemaIdentity('', '', b);
}
