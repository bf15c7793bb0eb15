// Loads Apache Kafka's JSON message definitions (spec/kafka/<version>/**) into a small model
// that the code generator and the round-trip tests share. The files are "JSON with comments";
// comments are stripped outside string literals before parsing.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** An inclusive version range; empty when min > max. */
export interface VersionRange {
  min: number;
  max: number;
}

export const NO_VERSIONS: VersionRange = { min: 1, max: 0 };
/** Stands for "and every later version" ("3+"). */
export const OPEN_MAX = 0x7fff;

export type PrimitiveType =
  | 'bool'
  | 'int8'
  | 'int16'
  | 'uint16'
  | 'int32'
  | 'uint32'
  | 'int64'
  | 'float64'
  | 'string'
  | 'bytes'
  | 'records'
  | 'uuid';

export interface FieldSpec {
  /** Name in the spec, e.g. `ThrottleTimeMs`. */
  name: string;
  /** Property name in TypeScript, e.g. `throttleTimeMs`. */
  prop: string;
  isArray: boolean;
  /** Element type for arrays, the type otherwise: a primitive, or the TS name of a struct. */
  primitive: PrimitiveType | undefined;
  struct: StructSpec | undefined;
  versions: VersionRange;
  nullableVersions: VersionRange;
  taggedVersions: VersionRange;
  tag: number | undefined;
  /** Raw `default` from the spec. */
  default: unknown;
  ignorable: boolean;
  /** Field-level override of the message's flexible versions. */
  flexibleVersions: VersionRange | undefined;
  about: string;
}

export interface StructSpec {
  /** Name in the spec, e.g. `TopicProduceData`. */
  specName: string;
  /** TypeScript name: message name + spec name, or the message name for the top level. */
  name: string;
  fields: FieldSpec[];
}

export type MessageType =
  'request' | 'response' | 'header' | 'data' | 'metadata' | 'coordinator-key' | 'coordinator-value';

export interface MessageSpec {
  /** Folder under spec/kafka/<version>/, e.g. `messages`, `metadata`. */
  folder: string;
  file: string;
  type: MessageType;
  name: string;
  apiKey: number | undefined;
  validVersions: VersionRange;
  flexibleVersions: VersionRange;
  listeners: string[];
  latestVersionUnstable: boolean;
  /** The top-level struct (named like the message); absent for retired messages. */
  struct: StructSpec | undefined;
  /** Every struct of the message in definition order, top level first. */
  structs: StructSpec[];
}

/** Removes `//` and `/* *\/` comments that are outside string literals. */
export function stripJsonComments(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"') {
      const start = i++;
      while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
      out += text.slice(start, ++i);
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 2;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

export function parseVersions(text: unknown): VersionRange {
  if (text === undefined || text === 'none') return NO_VERSIONS;
  const s = String(text).trim();
  let m = /^(\d+)\+$/.exec(s);
  if (m) return { min: Number(m[1]), max: OPEN_MAX };
  m = /^(\d+)-(\d+)$/.exec(s);
  if (m) return { min: Number(m[1]), max: Number(m[2]) };
  if (/^\d+$/.test(s)) return { min: Number(s), max: Number(s) };
  throw new Error(`bad version range: ${s}`);
}

export function inRange(v: number, r: VersionRange): boolean {
  return v >= r.min && v <= r.max;
}

export function intersect(a: VersionRange, b: VersionRange): VersionRange {
  return { min: Math.max(a.min, b.min), max: Math.min(a.max, b.max) };
}

export function isEmpty(r: VersionRange): boolean {
  return r.min > r.max;
}

/** `ThrottleTimeMs` → `throttleTimeMs` (Kafka's own rule: lower-case the first letter). */
export function camelCase(name: string): string {
  return name[0]!.toLowerCase() + name.slice(1);
}

/** `ProduceRequest` → `produce-request`, `KRaftVersionRecord` → `k-raft-version-record`. */
export function kebabCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1-$2')
    .toLowerCase();
}

const PRIMITIVES = new Set<string>([
  'bool',
  'int8',
  'int16',
  'uint16',
  'int32',
  'uint32',
  'int64',
  'float64',
  'string',
  'bytes',
  'records',
  'uuid',
]);

interface RawField {
  name: string;
  type: string;
  versions?: string;
  nullableVersions?: string;
  taggedVersions?: string;
  tag?: number;
  default?: unknown;
  ignorable?: boolean;
  flexibleVersions?: string;
  about?: string;
  fields?: RawField[];
}

interface RawMessage {
  type: MessageType;
  name: string;
  apiKey?: number;
  validVersions: string;
  flexibleVersions?: string;
  listeners?: string[];
  latestVersionUnstable?: boolean;
  fields?: RawField[];
  commonStructs?: Array<{ name: string; fields: RawField[] }>;
}

/** Builds the model of one spec file. */
export function parseMessage(raw: RawMessage, folder: string, file: string): MessageSpec {
  const structs: StructSpec[] = [];
  const byName = new Map<string, StructSpec>();
  const common = new Map((raw.commonStructs ?? []).map((c) => [c.name, c]));

  const structFor = (specName: string, rawFields: RawField[] | undefined): StructSpec => {
    const existing = byName.get(specName);
    if (existing) {
      if (rawFields && !common.has(specName)) throw new Error(`${file}: struct ${specName} twice`);
      return existing;
    }
    const fields = rawFields ?? common.get(specName)?.fields;
    if (!fields) throw new Error(`${file}: unknown struct ${specName}`);
    const struct: StructSpec = { specName, name: raw.name + specName, fields: [] };
    byName.set(specName, struct);
    structs.push(struct);
    struct.fields = fields.map(parseField);
    return struct;
  };

  const parseField = (f: RawField): FieldSpec => {
    const isArray = f.type.startsWith('[]');
    const elem = isArray ? f.type.slice(2) : f.type;
    const primitive = PRIMITIVES.has(elem) ? (elem as PrimitiveType) : undefined;
    const taggedVersions = parseVersions(f.taggedVersions);
    // A tagged field may omit `versions`; it then exists exactly in its tagged versions.
    const versions = f.versions === undefined ? taggedVersions : parseVersions(f.versions);
    if (!isEmpty(taggedVersions) && (f.tag === undefined || taggedVersions.min !== versions.min)) {
      throw new Error(`${file}: tagged field ${f.name} must be tagged in all its versions`);
    }
    return {
      name: f.name,
      prop: camelCase(f.name),
      isArray,
      primitive,
      struct: primitive ? undefined : structFor(elem, f.fields),
      versions,
      nullableVersions: parseVersions(f.nullableVersions),
      taggedVersions,
      tag: f.tag,
      default: f.default,
      ignorable: f.ignorable === true,
      flexibleVersions:
        f.flexibleVersions === undefined ? undefined : parseVersions(f.flexibleVersions),
      about: f.about ?? '',
    };
  };

  let top: StructSpec | undefined;
  if (raw.fields) {
    top = { specName: raw.name, name: raw.name, fields: [] };
    structs.push(top);
    top.fields = raw.fields.map(parseField);
  }
  return {
    folder,
    file,
    type: raw.type,
    name: raw.name,
    apiKey: raw.apiKey,
    validVersions: parseVersions(raw.validVersions),
    flexibleVersions: parseVersions(raw.flexibleVersions),
    listeners: raw.listeners ?? [],
    latestVersionUnstable: raw.latestVersionUnstable === true,
    struct: top,
    structs,
  };
}

/** Loads every spec file under `specDir`, sorted by folder then file name. */
export function loadSpecs(specDir: string): MessageSpec[] {
  const out: MessageSpec[] = [];
  for (const folder of readdirSync(specDir).sort()) {
    const dir = join(specDir, folder);
    if (!statSync(dir).isDirectory()) continue;
    for (const file of readdirSync(dir).sort()) {
      if (!file.endsWith('.json')) continue;
      const raw = JSON.parse(stripJsonComments(readFileSync(join(dir, file), 'utf8')));
      out.push(parseMessage(raw as RawMessage, folder, file));
    }
  }
  return out;
}
