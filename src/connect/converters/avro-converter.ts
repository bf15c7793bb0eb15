// Confluent's AvroConverter (`io.confluent.connect.avro.AvroConverter`): Connect data ↔ Avro in
// the schema registry's wire format (magic byte 0, the 4-byte schema id, the Avro body). The
// Connect schema becomes an Avro schema as Confluent's AvroData maps it (see
// data/avro-data.ts) and is registered under the subject of `key.subject.name.strategy` /
// `value.subject.name.strategy` (TopicNameStrategy: `<topic>-key`, `<topic>-value`) unless
// `auto.register.schemas=false`; reading looks the writer's schema up by its id.
import {
  decodeWire,
  encodeWire,
  recordNameStrategy,
  SchemaRegistryClient,
  topicNameStrategy,
  topicRecordNameStrategy,
  type SubjectNameStrategy,
} from '../../client/index.js';

import {
  avroTypeFor,
  fromConnectSchema,
  fromConnectValue,
  toConnectSchema,
  toConnectValue,
} from '../data/avro-data.js';
import type { Schema } from '../data/schema.js';
import { ConversionError, type Converter, type SchemaAndValue } from './converter.js';

/* eslint-disable @typescript-eslint/no-explicit-any */

export interface RegistryConverterSettings {
  client: SchemaRegistryClient;
  isKey: boolean;
  autoRegister: boolean;
  useLatestVersion: boolean;
  strategy: SubjectNameStrategy;
}

const STRATEGIES: Record<string, SubjectNameStrategy> = {
  TopicNameStrategy: topicNameStrategy,
  RecordNameStrategy: recordNameStrategy,
  TopicRecordNameStrategy: topicRecordNameStrategy,
};

/** The settings every schema-registry converter shares, with Confluent's names. */
export function registryConverterSettings(
  props: Record<string, string>,
  isKey: boolean,
): RegistryConverterSettings {
  const url = props['schema.registry.url'];
  if (url === undefined || url === '')
    throw new ConversionError('Missing required configuration "schema.registry.url"');
  const strategyName = props[isKey ? 'key.subject.name.strategy' : 'value.subject.name.strategy'];
  const short = strategyName?.slice(strategyName.lastIndexOf('.') + 1) ?? 'TopicNameStrategy';
  const strategy = STRATEGIES[short];
  if (strategy === undefined) throw new ConversionError(`Unknown subject name strategy ${short}`);
  const userInfo = props['basic.auth.user.info'];
  return {
    client: new SchemaRegistryClient({
      url,
      ...(userInfo !== undefined && userInfo !== '' && { basicAuthUserInfo: userInfo }),
    }),
    isKey,
    autoRegister: props['auto.register.schemas'] !== 'false',
    useLatestVersion: props['use.latest.version'] === 'true',
    strategy,
  };
}

/** The schema id to write a registry schema with, under the converter's subject. */
export async function writerId(
  s: RegistryConverterSettings,
  topic: string,
  recordName: string | null,
  schema: { schemaType: 'AVRO' | 'JSON' | 'PROTOBUF'; schema: string },
): Promise<number> {
  const subject = s.strategy(topic, s.isKey, recordName);
  if (s.useLatestVersion) return (await s.client.getLatestVersion(subject)).id;
  return s.autoRegister ? s.client.register(subject, schema) : s.client.getId(subject, schema);
}

export class AvroConverter implements Converter {
  private s!: RegistryConverterSettings;
  /** Per Connect schema object: the Avro schema text and its avsc type. */
  private readonly writers = new WeakMap<
    Schema,
    { text: string; name: string | null; type: any }
  >();
  /** Per schema id: the avsc type and the Connect schema of what was written with it. */
  private readonly readers = new Map<number, { type: any; schema: Schema }>();

  configure(props: Record<string, string>, isKey: boolean): void {
    this.s = registryConverterSettings(props, isKey);
  }

  async fromConnectData(
    topic: string,
    schema: Schema | undefined,
    value: unknown,
  ): Promise<Buffer | null> {
    if (value === null || value === undefined) return null;
    if (schema === undefined)
      throw new ConversionError(
        `AvroConverter needs a schema for the ${this.s.isKey ? 'key' : 'value'} of a record for ${topic}`,
      );
    let w = this.writers.get(schema);
    if (w === undefined) {
      const avro = fromConnectSchema(schema);
      const named = Array.isArray(avro) ? avro[1] : avro;
      w = {
        text: JSON.stringify(avro),
        name: named?.type === 'record' ? (named.name as string) : null,
        type: avroTypeFor(avro),
      };
      this.writers.set(schema, w);
    }
    const id = await writerId(this.s, topic, w.name, { schemaType: 'AVRO', schema: w.text });
    try {
      return encodeWire(id, w.type.toBuffer(fromConnectValue(schema, value)));
    } catch (err) {
      throw new ConversionError(
        `Failed to serialize Avro data from topic ${topic}: ${(err as Error).message}`,
        {
          cause: err,
        },
      );
    }
  }

  async toConnectData(topic: string, bytes: Buffer | null): Promise<SchemaAndValue> {
    if (bytes === null) return { value: null };
    let id: number;
    let payload: Buffer;
    try {
      ({ id, payload } = decodeWire(bytes));
    } catch (err) {
      throw new ConversionError(
        `Failed to deserialize data for topic ${topic} to Avro: ${(err as Error).message}`,
      );
    }
    let r = this.readers.get(id);
    if (r === undefined) {
      const registered = await this.s.client.getSchemaById(id);
      const avro = JSON.parse(registered.schema) as unknown;
      r = { type: avroTypeFor(avro), schema: toConnectSchema(avro) };
      this.readers.set(id, r);
    }
    try {
      return { schema: r.schema, value: toConnectValue(r.schema, r.type.fromBuffer(payload)) };
    } catch (err) {
      throw new ConversionError(
        `Failed to deserialize data for topic ${topic} to Avro: ${(err as Error).message}`,
      );
    }
  }
}
