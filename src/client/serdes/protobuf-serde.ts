// Protobuf serializer and deserializer in Confluent's wire format: after the schema id, the
// message indexes of the message type in its file, then the message. protobufjs is loaded on
// first use. Values are plain objects (protobufjs `fromObject`/`toObject`, longs and enums as
// strings when read).
import type { RegistrySchema, SchemaRegistryClient } from './schema-registry-client.js';
import { loadProtobuf, messageAt, messageIndexes, type ProtobufFile } from './protobuf-schema.js';
import { resolveWriterSchema, type SerializerOptions } from './serde-options.js';
import { decodeMessageIndexes, decodeWire, encodeWire } from './wire-format.js';

/* eslint-disable @typescript-eslint/no-explicit-any */

export async function loadFile(
  registry: SchemaRegistryClient,
  schema: RegistrySchema,
): Promise<ProtobufFile> {
  const imports = new Map<string, string>();
  const collect = async (refs: RegistrySchema['references']) => {
    for (const ref of refs ?? []) {
      if (imports.has(ref.name)) continue;
      const version = await registry.getVersion(ref.subject, ref.version);
      imports.set(ref.name, version.schema);
      await collect(version.references);
    }
  };
  await collect(schema.references);
  return loadProtobuf(schema.schema, (name) => imports.get(name));
}

export interface ProtobufSerializerOptions extends SerializerOptions {
  /** The .proto text; optional with useLatestVersion. */
  schema?: string;
  /** The full name of the message type to write, e.g. `demo.Order`. */
  messageType: string;
}

export class ProtobufSerializer {
  private readonly writers = new Map<
    string,
    Promise<{ id: number; type: any; indexes: number[] }>
  >();

  constructor(
    private readonly registry: SchemaRegistryClient,
    private readonly options: ProtobufSerializerOptions,
  ) {}

  async serialize(topic: string, value: object): Promise<Buffer> {
    let writer = this.writers.get(topic);
    if (writer === undefined) {
      writer = (async () => {
        const given =
          this.options.schema === undefined
            ? null
            : { schemaType: 'PROTOBUF' as const, schema: this.options.schema };
        const { id, schema } = await resolveWriterSchema(
          this.registry,
          this.options,
          topic,
          this.options.messageType,
          given,
        );
        const file = await loadFile(this.registry, schema);
        const indexes = messageIndexes(file, this.options.messageType);
        return { id, indexes, type: file.root.lookupType(this.options.messageType) };
      })();
      writer.catch(() => this.writers.delete(topic));
      this.writers.set(topic, writer);
    }
    const { id, type, indexes } = await writer;
    const body = Buffer.from(type.encode(type.fromObject(value)).finish());
    return encodeWire(id, body, indexes);
  }
}

export class ProtobufDeserializer {
  private readonly files = new Map<number, Promise<ProtobufFile>>();

  constructor(private readonly registry: SchemaRegistryClient) {}

  async deserialize(_topic: string, data: Buffer): Promise<Record<string, unknown>> {
    const { id, payload } = decodeWire(data);
    const { indexes, message } = decodeMessageIndexes(payload);
    let file = this.files.get(id);
    if (file === undefined) {
      file = this.registry.getSchemaById(id).then((s) => loadFile(this.registry, s));
      file.catch(() => this.files.delete(id));
      this.files.set(id, file);
    }
    const type = messageAt(await file, indexes);
    return type.toObject(type.decode(message), { longs: String, enums: String, defaults: true });
  }
}
