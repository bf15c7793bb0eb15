// Protobuf schemas (.proto text) through protobufjs, with references as imports (a
// reference's name is the import path), the well-known google/protobuf imports built in, and
// Confluent's Protobuf compatibility rules: a removed message, a changed package, a field
// whose number now has another kind or a wire-incompatible scalar type, a required field
// added or removed, a field removed from a oneof, several fields moved into one oneof are
// incompatible; added or removed fields and renames are not, since the wire carries numbers.
import { createRequire } from 'node:module';
import { loadProtobuf } from '../../client/index.js';
import {
  InvalidSchemaError,
  type ParsedSchema,
  type ResolvedReference,
  type SchemaFormat,
} from './schema-format.js';

interface PbField {
  name: string;
  id: number;
  type: string;
  rule?: string;
  required?: boolean;
  repeated?: boolean;
  partOf: { name: string } | null;
  resolvedType: { fullName: string } | null;
}
interface PbReflection {
  name: string;
  fullName: string;
  nestedArray?: PbReflection[];
  fieldsArray?: PbField[];
  values?: Record<string, number>;
  toJSON(): unknown;
}
interface PbRoot extends PbReflection {
  addJSON(json: unknown): PbRoot;
  resolveAll(): PbRoot;
  lookup(path: string): PbReflection | null;
}
interface Pb {
  Root: new () => PbRoot;
  Type: new (...args: never[]) => PbReflection;
  Enum: new (...args: never[]) => PbReflection;
  parse(
    source: string,
    root: PbRoot,
    options: object,
  ): { package?: string; imports?: string[]; weakImports?: string[]; syntax?: string };
  common: { get(name: string): { nested: unknown } | null };
}

const require = createRequire(import.meta.url);
let pb: Pb | null = null;
function loadPb(): Pb {
  pb ??= require('protobufjs') as Pb;
  return pb;
}

export class ProtobufSchema implements ParsedSchema {
  readonly type = 'PROTOBUF' as const;
  constructor(
    readonly text: string,
    readonly packageName: string,
    /** The file's own messages, by full name, with their fields. */
    readonly messages: Map<string, PbReflection>,
    /** A normalized printout: the file's definitions as protobufjs describes them. */
    private readonly normalized: string,
  ) {}

  canonical(normalize: boolean): string {
    return normalize ? this.normalized : this.text.trim();
  }

  readerIncompatibilities(writer: ParsedSchema): string[] {
    if (!(writer instanceof ProtobufSchema))
      return ['Incompatible because of different schema type'];
    const out: string[] = [];
    const diff = (path: string, type: string) =>
      out.push(`Found incompatible change: Difference{fullPath='${path}', type=${type}}`);
    if (writer.packageName !== this.packageName) diff('#/', 'PACKAGE_CHANGED');
    for (const [name, original] of writer.messages) {
      const update = this.messages.get(name.replace(writer.packageName, this.packageName));
      const path = `#/${name.slice(writer.packageName === '' ? 1 : writer.packageName.length + 2)}`;
      if (update === undefined) {
        diff(path, 'MESSAGE_REMOVED');
        continue;
      }
      compareMessage(original, update, path, diff);
    }
    return out;
  }
}

const WIRE_GROUPS = [
  ['int32', 'uint32', 'int64', 'uint64', 'bool'],
  ['sint32', 'sint64'],
  ['fixed32', 'sfixed32'],
  ['fixed64', 'sfixed64'],
  ['string', 'bytes'],
];
const SCALARS = new Set([...WIRE_GROUPS.flat(), 'double', 'float']);

function compareMessage(
  original: PbReflection,
  update: PbReflection,
  path: string,
  diff: (p: string, t: string) => void,
): void {
  const updated = new Map((update.fieldsArray ?? []).map((f) => [f.id, f]));
  const originalIds = new Set((original.fieldsArray ?? []).map((f) => f.id));
  let movedToOneof = 0;
  for (const o of original.fieldsArray ?? []) {
    const u = updated.get(o.id);
    const at = `${path}/${o.id}`;
    if (u === undefined) {
      if (o.partOf !== null) diff(at, 'ONEOF_FIELD_REMOVED');
      if (o.required === true) diff(at, 'REQUIRED_FIELD_REMOVED');
      continue;
    }
    if (o.partOf === null && u.partOf !== null) movedToOneof++;
    const oScalar = SCALARS.has(o.type);
    const uScalar = SCALARS.has(u.type);
    if (oScalar !== uScalar) diff(at, 'FIELD_KIND_CHANGED');
    else if (
      oScalar &&
      o.type !== u.type &&
      !WIRE_GROUPS.some((g) => g.includes(o.type) && g.includes(u.type))
    )
      diff(at, 'FIELD_SCALAR_KIND_CHANGED');
    else if (
      !oScalar &&
      o.resolvedType?.fullName.split('.').pop() !== u.resolvedType?.fullName.split('.').pop()
    )
      diff(at, 'FIELD_NAMED_TYPE_CHANGED');
    if (Boolean(o.repeated) !== Boolean(u.repeated)) diff(at, 'FIELD_NUMERIC_LABEL_CHANGED');
  }
  for (const u of update.fieldsArray ?? [])
    if (!originalIds.has(u.id) && u.required === true)
      diff(`${path}/${u.id}`, 'REQUIRED_FIELD_ADDED');
  if (movedToOneof > 1) diff(path, 'MULTIPLE_FIELDS_MOVED_TO_ONEOF');
}

function collectMessages(
  namespace: PbReflection,
  into: Map<string, PbReflection>,
  T: Pb['Type'],
): void {
  for (const nested of namespace.nestedArray ?? []) {
    if (nested instanceof T) into.set(nested.fullName, nested);
    collectMessages(nested, into, T);
  }
}

async function parseProtobuf(
  text: string,
  references: readonly ResolvedReference[],
): Promise<ProtobufSchema> {
  const { Type } = loadPb();
  try {
    const file = loadProtobuf(text, (name) => findReference(references, name)?.schema);
    const ownNames = new Map<string, PbReflection>();
    collectMessages(file.own as PbReflection, ownNames, Type);
    const messages = new Map<string, PbReflection>();
    for (const name of ownNames.keys()) {
      const resolved = (file.root as PbRoot).lookup(name);
      if (resolved !== null) messages.set(name, resolved);
    }
    const normalized = JSON.stringify({
      syntax: file.syntax,
      package: file.packageName,
      imports: file.imports,
      definitions: (file.own as PbRoot).toJSON(),
    });
    return new ProtobufSchema(text, file.packageName, messages, normalized);
  } catch (err) {
    throw new InvalidSchemaError(`Invalid schema ${text}, details: ${(err as Error).message}`);
  }
}

function findReference(
  references: readonly ResolvedReference[],
  name: string,
): ResolvedReference | undefined {
  for (const ref of references) {
    if (ref.name === name) return ref;
    const nested = findReference(ref.references, name);
    if (nested !== undefined) return nested;
  }
  return undefined;
}

export const protobufFormat: SchemaFormat = { type: 'PROTOBUF', parse: parseProtobuf };
