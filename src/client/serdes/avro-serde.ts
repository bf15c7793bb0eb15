// Avro serializer and deserializer in Confluent's wire format, with avsc (loaded on first
// use). The serializer writes the header and the Avro body into one buffer; the deserializer
// reads with the writer's schema from the registry and, given a reader schema, resolves it
// to the reader's as Avro's schema resolution says.
import type { RegistrySchema, SchemaRegistryClient } from './schema-registry-client.js';
import { resolveWriterSchema, type SerializerOptions } from './serde-options.js';
import { decodeWire, MAGIC_BYTE } from './wire-format.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
type AvroType = any;

/** The size of the slabs serialized records are carved from. */
const SLAB_BYTES = 64 * 1024;

let avscModule: Promise<any> | null = null;
function avsc(): Promise<any> {
  avscModule ??= import('avsc').then((m: any) => m.default ?? m);
  return avscModule;
}

/** Parses a registry schema with its references (each registered into one avsc registry). */
export async function avroType(
  registry: SchemaRegistryClient,
  schema: RegistrySchema,
): Promise<AvroType> {
  const { Type } = await avsc();
  const named: Record<string, unknown> = {};
  const seen = new Set<string>();
  const addReferences = async (refs: RegistrySchema['references']) => {
    for (const ref of refs ?? []) {
      const key = `${ref.subject}/${ref.version}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const version = await registry.getVersion(ref.subject, ref.version);
      await addReferences(version.references);
      Type.forSchema(JSON.parse(version.schema), { registry: named });
    }
  };
  await addReferences(schema.references);
  return Type.forSchema(JSON.parse(schema.schema), { registry: named });
}

export interface AvroSerializerOptions extends SerializerOptions {
  /** The writer's schema (JSON text or object); optional with useLatestVersion. */
  schema?: string | object;
}

export class AvroSerializer {
  private readonly schema: RegistrySchema | null;
  private readonly recordName: string | null;
  /** Per topic: the id and avsc type to write with, once known. */
  private readonly writers = new Map<string, { id: number; type: AvroType }>();
  private readonly pending = new Map<string, Promise<{ id: number; type: AvroType }>>();
  private slab = Buffer.allocUnsafe(SLAB_BYTES);
  private slabOffset = 0;

  constructor(
    private readonly registry: SchemaRegistryClient,
    private readonly options: AvroSerializerOptions = {},
  ) {
    const text =
      options.schema === undefined
        ? null
        : typeof options.schema === 'string'
          ? options.schema
          : JSON.stringify(options.schema);
    this.schema = text === null ? null : { schemaType: 'AVRO', schema: text };
    this.recordName = text === null ? null : fullName(JSON.parse(text));
  }

  /**
   * The record in Confluent's wire format. Once the topic's writer schema is known the work
   * is synchronous (no async function frame), which is most of this serializer's lead.
   */
  serialize(topic: string, value: unknown): Promise<Buffer> {
    const writer = this.writers.get(topic);
    if (writer === undefined)
      return this.writer(topic).then((w) => this.encode(w.id, w.type, value));
    try {
      return Promise.resolve(this.encode(writer.id, writer.type, value));
    } catch (err) {
      return Promise.reject(err as Error);
    }
  }

  private writer(topic: string): Promise<{ id: number; type: AvroType }> {
    let p = this.pending.get(topic);
    if (p === undefined) {
      p = (async () => {
        const { id, schema } = await resolveWriterSchema(
          this.registry,
          this.options,
          topic,
          this.recordName,
          this.schema,
        );
        const writer = { id, type: await avroType(this.registry, schema) };
        this.writers.set(topic, writer);
        return writer;
      })();
      p.catch(() => this.pending.delete(topic));
      this.pending.set(topic, p);
    }
    return p;
  }

  /**
   * Header and body in one buffer, without a copy: records are carved one after another out
   * of a slab (as Node's own buffer pool does), and a new slab starts when one is full. A
   * record keeps its slab alive, never shares bytes with another.
   */
  private encode(id: number, type: AvroType, value: unknown): Buffer {
    for (;;) {
      const start = this.slabOffset;
      const slab = this.slab;
      if (slab.length - start > 5) {
        slab[start] = MAGIC_BYTE;
        slab.writeInt32BE(id, start + 1);
        const end: number = type.encode(value, slab, start + 5);
        if (end > 0) {
          // Keep the next record 8-byte aligned, as Node's pool does.
          this.slabOffset = (end + 7) & ~7;
          return slab.subarray(start, end);
        }
        if (start === 0) {
          // Larger than a whole slab: a buffer of its own, sized by avsc's answer.
          this.slab = Buffer.allocUnsafe(slab.length - end + 8);
          this.slabOffset = 0;
          continue;
        }
      }
      this.slab = Buffer.allocUnsafe(SLAB_BYTES);
      this.slabOffset = 0;
    }
  }
}

export interface AvroDeserializerOptions {
  /** A reader schema to resolve every record to; without it records read as written. */
  readerSchema?: string | object;
}

export class AvroDeserializer {
  private readonly readers = new Map<number, Promise<(payload: Buffer) => unknown>>();

  constructor(
    private readonly registry: SchemaRegistryClient,
    private readonly options: AvroDeserializerOptions = {},
  ) {}

  deserialize(_topic: string, data: Buffer): Promise<unknown> {
    let id: number;
    let payload: Buffer;
    try {
      ({ id, payload } = decodeWire(data));
      // Known ids read synchronously, as the serializer writes.
      const ready = this.ready.get(id);
      if (ready !== undefined) return Promise.resolve(ready(payload));
    } catch (err) {
      return Promise.reject(err as Error);
    }
    let reader = this.readers.get(id);
    if (reader === undefined) {
      reader = this.makeReader(id);
      reader.then(
        (r) => this.ready.set(id, r),
        () => this.readers.delete(id),
      );
      this.readers.set(id, reader);
    }
    return reader.then((read) => read(payload));
  }

  private readonly ready = new Map<number, (payload: Buffer) => unknown>();

  /**
   * The record in Avro's JSON encoding (unions as `{"type": value}`), as Confluent's
   * kafka-avro-console-consumer prints it.
   */
  async toAvroJson(topic: string, data: Buffer): Promise<string> {
    const { id } = decodeWire(data);
    const value = await this.deserialize(topic, data);
    let type = this.types.get(id);
    if (type === undefined) {
      type = await avroType(this.registry, await this.registry.getSchemaById(id));
      this.types.set(id, type);
    }
    return type.toString(value);
  }

  private readonly types = new Map<number, AvroType>();

  private async makeReader(id: number): Promise<(payload: Buffer) => unknown> {
    const writer = await avroType(this.registry, await this.registry.getSchemaById(id));
    if (this.options.readerSchema === undefined) return (payload) => writer.fromBuffer(payload);
    const { Type } = await avsc();
    const text =
      typeof this.options.readerSchema === 'string'
        ? JSON.parse(this.options.readerSchema)
        : this.options.readerSchema;
    const reader = Type.forSchema(text);
    const resolver = reader.createResolver(writer);
    return (payload) => reader.fromBuffer(payload, resolver);
  }
}

/** The full name of a named Avro schema (for RecordNameStrategy), or null. */
export function fullName(schema: any): string | null {
  if (
    schema === null ||
    typeof schema !== 'object' ||
    Array.isArray(schema) ||
    typeof schema.name !== 'string'
  )
    return null;
  if (schema.name.includes('.') || typeof schema.namespace !== 'string' || schema.namespace === '')
    return schema.name;
  return `${schema.namespace}.${schema.name}`;
}
