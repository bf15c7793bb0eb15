// Protobuf schemas as the registry holds them: .proto text, or (as confluent-kafka-python
// registers them) a base64 FileDescriptorProto. Loaded with protobufjs, required lazily so
// plain client users never load it. Message indexes locate a message type by its position
// among the messages of its file (and of its parent messages), as Confluent's serdes write
// them.
import { createRequire } from 'node:module';

/* eslint-disable @typescript-eslint/no-explicit-any */
export type PbRoot = any;
export type PbType = any;

const require = createRequire(import.meta.url);
let loaded: { pb: any; descriptor: any } | null = null;

export function protobufjs(): { pb: any; descriptor: any } {
  loaded ??= { pb: require('protobufjs'), descriptor: require('protobufjs/ext/descriptor') };
  return loaded;
}

export interface ProtobufFile {
  /** Everything resolved: this file, its imports and the well-known types. */
  root: PbRoot;
  /** This file alone, with its definitions in declaration order (for message indexes). */
  own: PbRoot;
  packageName: string;
  imports: string[];
  syntax: string;
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** Parses one file into `root` (and alone into `own`); returns its package, imports, syntax. */
function parseInto(
  text: string,
  root: PbRoot,
): { own: PbRoot; packageName: string; imports: string[]; syntax: string } {
  const { pb, descriptor } = protobufjs();
  const trimmed = text.trim();
  if (BASE64.test(trimmed) && !trimmed.includes(';')) {
    const file = descriptor.FileDescriptorProto.decode(Buffer.from(trimmed, 'base64'));
    const own = pb.Root.fromDescriptor({ file: [file] });
    const alsoInto = pb.Root.fromDescriptor({ file: [file] });
    for (const nested of [...alsoInto.nestedArray]) mergeInto(root, nested);
    return {
      own,
      packageName: file.package ?? '',
      imports: [...(file.dependency ?? [])],
      syntax: file.syntax || 'proto2',
    };
  }
  const own = new pb.Root();
  const parsed = pb.parse(text, own, { keepCase: true });
  pb.parse(text, root, { keepCase: true });
  return {
    own,
    packageName: parsed.package ?? '',
    imports: [...(parsed.imports ?? []), ...(parsed.weakImports ?? [])],
    syntax: parsed.syntax ?? 'proto2',
  };
}

/** Adds a namespace's definitions to `root`, merging packages that already exist there. */
function mergeInto(target: PbRoot, nested: PbRoot): void {
  const { pb } = protobufjs();
  const existing = target.get(nested.name);
  if (
    existing !== null &&
    existing instanceof pb.Namespace &&
    !(existing instanceof pb.Type) &&
    !(nested instanceof pb.Type)
  ) {
    for (const child of [...(nested.nestedArray ?? [])]) mergeInto(existing, child);
    return;
  }
  nested.parent?.remove(nested);
  target.add(nested);
}

/**
 * Loads a schema with its imports: `resolveImport` gives the text of an import by name, or
 * undefined for the well-known google/protobuf files protobufjs carries.
 */
export function loadProtobuf(
  text: string,
  resolveImport: (name: string) => string | undefined,
): ProtobufFile {
  const { pb } = protobufjs();
  const root = new pb.Root();
  const main = parseInto(text, root);
  const done = new Set<string>();
  const load = (imports: readonly string[]) => {
    for (const name of imports) {
      if (done.has(name)) continue;
      done.add(name);
      const source = resolveImport(name);
      if (source !== undefined) {
        load(parseInto(source, root).imports);
        continue;
      }
      const builtin = pb.common.get(name);
      if (builtin === null || builtin === undefined)
        throw new Error(`import "${name}" is not among the references`);
      root.addJSON(builtin.nested);
    }
  };
  load(main.imports);
  root.resolveAll();
  return { root, ...main };
}

/** The message types of a namespace, in declaration order. */
function messagesOf(namespace: PbRoot): PbType[] {
  const { pb } = protobufjs();
  return (namespace.nestedArray ?? []).filter((n: unknown) => n instanceof pb.Type);
}

/** The namespace holding a file's top-level definitions. */
function fileScope(own: PbRoot, packageName: string): PbRoot {
  return packageName === '' ? own : own.lookup(packageName);
}

/** The message indexes of a type (by full name, without a leading dot) in its file. */
export function messageIndexes(file: ProtobufFile, typeName: string): number[] {
  const scope = fileScope(file.own, file.packageName);
  const relative = file.packageName === '' ? typeName : typeName.slice(file.packageName.length + 1);
  const indexes: number[] = [];
  let at = scope;
  for (const part of relative.split('.')) {
    const i = messagesOf(at).findIndex((m) => m.name === part);
    if (i < 0) throw new Error(`message ${typeName} is not in this schema`);
    indexes.push(i);
    at = messagesOf(at)[i];
  }
  return indexes;
}

/** The resolved message type that message indexes point at. */
export function messageAt(file: ProtobufFile, indexes: readonly number[]): PbType {
  let at = fileScope(file.own, file.packageName);
  for (const i of indexes) {
    at = messagesOf(at)[i];
    if (at === undefined) throw new Error(`no message at indexes [${indexes.join(', ')}]`);
  }
  return file.root.lookupType(at.fullName.slice(1));
}
