// The registry's state, built only by replaying `_schemas` records (at start and live): the
// versions of every subject, schemas by id, and the compatibility and mode configs. Nothing
// else changes it, so every instance that has read the same records answers the same.
import type { SchemaType } from './formats/index.js';
import type { RegistryRecord, SchemaReference } from './schema-records.js';

export interface VersionEntry {
  subject: string;
  version: number;
  id: number;
  schemaType: SchemaType;
  references: SchemaReference[];
  schema: string;
  deleted: boolean;
}

export interface StoredSchema {
  id: number;
  schemaType: SchemaType;
  references: SchemaReference[];
  schema: string;
}

/** The identity of a schema: the same type, text and references get the same id. */
export function schemaIdentity(
  schemaType: string,
  schema: string,
  references: readonly SchemaReference[],
): string {
  return JSON.stringify([
    schemaType,
    schema,
    references.map((r) => [r.name, r.subject, r.version]),
  ]);
}

export const GLOBAL = '__GLOBAL';

/** The default context's name; others are `.name`, written `:.name:subject` in subjects. */
export const DEFAULT_CONTEXT = '.';

/** The context a subject belongs to: `:.ctx:orders` is in `.ctx`, `orders` in `.`. */
export function contextOf(subject: string): string {
  return /^:(\.[^:]*):/.exec(subject)?.[1] ?? DEFAULT_CONTEXT;
}

/** Ids are numbered per context, as Confluent numbers them. */
export class ContextIds {
  readonly byId = new Map<number, StoredSchema>();
  readonly byIdentity = new Map<string, number>();
  maxId = 0;
}

export class RegistryState {
  readonly subjects = new Map<string, Map<number, VersionEntry>>();
  readonly contexts = new Map<string, ContextIds>();
  readonly configs = new Map<string, string>();
  readonly modes = new Map<string, string>();
  /** The ids of a context (empty for a context nothing was registered in). */
  ids(context: string): ContextIds {
    let ids = this.contexts.get(context);
    if (ids === undefined) this.contexts.set(context, (ids = new ContextIds()));
    return ids;
  }

  apply(record: RegistryRecord): void {
    switch (record.key.keytype) {
      case 'SCHEMA':
        return this.applySchema(
          record.key.subject,
          record.key.version,
          record.value as VersionEntry | null,
        );
      case 'CONFIG': {
        const value = record.value as {
          compatibilityLevel?: string;
          compatibility?: string;
        } | null;
        const key = record.key.subject ?? GLOBAL;
        const level = value?.compatibilityLevel ?? value?.compatibility;
        if (level === undefined) this.configs.delete(key);
        else this.configs.set(key, level);
        return;
      }
      case 'MODE': {
        const value = record.value as { mode?: string } | null;
        const key = record.key.subject ?? GLOBAL;
        if (value?.mode === undefined) this.modes.delete(key);
        else this.modes.set(key, value.mode);
        return;
      }
      case 'DELETE_SUBJECT': {
        const value = record.value as { version?: number } | null;
        const versions = this.subjects.get(record.key.subject);
        if (versions === undefined || value === null) return;
        for (const entry of versions.values())
          if (value.version === undefined || entry.version <= value.version) entry.deleted = true;
        return;
      }
      case 'CLEAR_SUBJECT': {
        const versions = this.subjects.get(record.key.subject);
        if (versions === undefined || record.value === null) return;
        for (const [v, entry] of versions) if (entry.deleted) versions.delete(v);
        if (versions.size === 0) this.subjects.delete(record.key.subject);
        return;
      }
      case 'NOOP':
        return;
    }
  }

  private applySchema(subject: string, version: number, value: VersionEntry | null): void {
    let versions = this.subjects.get(subject);
    if (value === null) {
      versions?.delete(version);
      if (versions?.size === 0) this.subjects.delete(subject);
      return;
    }
    if (versions === undefined) this.subjects.set(subject, (versions = new Map()));
    const entry: VersionEntry = {
      subject,
      version,
      id: value.id,
      schemaType: (value.schemaType ?? 'AVRO') as SchemaType,
      references: value.references ?? [],
      schema: value.schema,
      deleted: value.deleted === true,
    };
    versions.set(version, entry);
    const ids = this.ids(contextOf(subject));
    ids.maxId = Math.max(ids.maxId, entry.id);
    if (!ids.byId.has(entry.id)) {
      ids.byId.set(entry.id, {
        id: entry.id,
        schemaType: entry.schemaType,
        references: entry.references,
        schema: entry.schema,
      });
    }
    const identity = schemaIdentity(entry.schemaType, entry.schema, entry.references);
    if (!ids.byIdentity.has(identity)) ids.byIdentity.set(identity, entry.id);
  }

  /** The versions of a subject in order, without soft-deleted ones unless asked. */
  versions(subject: string, includeDeleted = false): VersionEntry[] {
    const versions = this.subjects.get(subject);
    if (versions === undefined) return [];
    return [...versions.values()]
      .filter((e) => includeDeleted || !e.deleted)
      .sort((a, b) => a.version - b.version);
  }

  /** Every version, in any subject, that lists `entry` as a reference. */
  referencedBy(subject: string, version: number): VersionEntry[] {
    const out: VersionEntry[] = [];
    for (const versions of this.subjects.values())
      for (const e of versions.values())
        if (!e.deleted && e.references.some((r) => r.subject === subject && r.version === version))
          out.push(e);
    return out;
  }
}
