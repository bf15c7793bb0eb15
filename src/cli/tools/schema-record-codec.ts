// Schema-registry formats for the console producer and consumer, as Confluent's
// kafka-avro-console-producer/-consumer (and their json-schema and protobuf siblings) offer
// them: `--value-format avro|json-schema|protobuf` (and `--key-format`) with
// `--schema-registry-url URL` (or `--property schema.registry.url=URL`), and the schema from
// `--property value.schema=...` / `value.schema.id=N` (`key.schema`, `key.schema.id`; for
// Protobuf `value.schema.message=Name` picks a message other than the first). Input lines are
// JSON (Avro's JSON encoding for Avro); output is the same.
import {
  AvroDeserializer,
  AvroSerializer,
  JsonSchemaDeserializer,
  JsonSchemaSerializer,
  loadProtobuf,
  ProtobufDeserializer,
  ProtobufSerializer,
  SchemaRegistryClient,
  type ConsumerRecord,
  type ProducerRecord,
} from '../../client/index.js';
import { UsageError } from './tool-support.js';

export const FORMATS = ['avro', 'json-schema', 'protobuf'] as const;
type Format = (typeof FORMATS)[number];

export const FORMAT_HELP = `  --value-format FORMAT         avro, json-schema or protobuf: values are JSON lines written
                                with a schema registry (Confluent's wire format).
  --key-format FORMAT           The same for keys (with parse.key=true / print.key=true).
  --schema-registry-url URL     The schema registry (or --property schema.registry.url=URL).
                                Schemas: --property value.schema=... or value.schema.id=N,
                                key.schema / key.schema.id, value.schema.message (Protobuf).`;

export const FORMAT_OPTIONS = {
  'value-format': { type: 'string' },
  'key-format': { type: 'string' },
  'schema-registry-url': { type: 'string' },
} as const;

function formatOf(value: string | undefined): Format | null {
  if (value === undefined) return null;
  if (!(FORMATS as readonly string[]).includes(value))
    throw new UsageError(`format '${value}' is not one of ${FORMATS.join(', ')}`);
  return value as Format;
}

function registryClient(url: string | undefined, props: ReadonlyMap<string, string>) {
  const u = url ?? props.get('schema.registry.url');
  if (u === undefined) throw new UsageError('--schema-registry-url is required with a format');
  return new SchemaRegistryClient({ url: u, basicAuthUserInfo: props.get('basic.auth.user.info') });
}

type Side = 'key' | 'value';

function sideSerializer(
  client: SchemaRegistryClient,
  format: Format,
  side: Side,
  props: ReadonlyMap<string, string>,
): (topic: string, text: string) => Promise<Buffer> {
  const schema = props.get(`${side}.schema`);
  const idText = props.get(`${side}.schema.id`);
  const useSchemaId = idText === undefined ? undefined : Number(idText);
  if (schema === undefined && useSchemaId === undefined)
    throw new UsageError(`--property ${side}.schema=... or ${side}.schema.id=N is required`);
  const common = {
    isKey: side === 'key',
    useSchemaId,
    ...(schema === undefined ? {} : { schema }),
  };
  if (format === 'avro') {
    const serializer = new AvroSerializer(client, common);
    let parse: Promise<(text: string) => unknown> | null = null;
    return async (topic, text) => {
      parse ??= (async () => {
        const source = schema ?? (await client.getSchemaById(useSchemaId!)).schema;
        const avsc = (await import('avsc')) as unknown as {
          default?: { Type: { forSchema(s: unknown): { fromString(t: string): unknown } } };
        };
        const type = (avsc.default ?? (avsc as never)).Type.forSchema(JSON.parse(source));
        return (t: string) => type.fromString(t);
      })();
      return serializer.serialize(topic, (await parse)(text));
    };
  }
  if (format === 'json-schema') {
    const serializer = new JsonSchemaSerializer(client, common);
    return (topic, text) => serializer.serialize(topic, JSON.parse(text));
  }
  let serializer: Promise<ProtobufSerializer> | null = null;
  return async (topic, text) => {
    serializer ??= (async () => {
      const source = schema ?? (await client.getSchemaById(useSchemaId!)).schema;
      const file = loadProtobuf(source, () => undefined);
      const scope = file.packageName === '' ? '' : `${file.packageName}.`;
      const first = (file.own.lookup(file.packageName) ?? file.own).nestedArray.find(
        (n: { fieldsArray?: unknown }) => n.fieldsArray !== undefined,
      );
      const message = props.get(`${side}.schema.message`) ?? first?.name;
      if (message === undefined) throw new UsageError('the Protobuf schema has no message');
      return new ProtobufSerializer(client, { ...common, messageType: scope + message });
    })();
    return (await serializer).serialize(topic, JSON.parse(text) as object);
  };
}

/** Turns the text key and value of parsed lines into registry-encoded bytes, or null. */
export function recordEncoder(
  flags: { keyFormat?: string; valueFormat?: string; registryUrl?: string },
  props: ReadonlyMap<string, string>,
): ((record: ProducerRecord) => Promise<ProducerRecord>) | null {
  const keyFormat = formatOf(flags.keyFormat);
  const valueFormat = formatOf(flags.valueFormat);
  if (keyFormat === null && valueFormat === null) return null;
  const client = registryClient(flags.registryUrl, props);
  const key = keyFormat === null ? null : sideSerializer(client, keyFormat, 'key', props);
  const value = valueFormat === null ? null : sideSerializer(client, valueFormat, 'value', props);
  return async (record) => ({
    ...record,
    key:
      key === null || record.key === null || record.key === undefined
        ? record.key
        : await key(record.topic, String(record.key)),
    value:
      value === null || record.value === null
        ? record.value
        : await value(record.topic, String(record.value)),
  });
}

function sideDeserializer(
  client: SchemaRegistryClient,
  format: Format,
): (topic: string, data: Buffer) => Promise<string> {
  if (format === 'avro') {
    const d = new AvroDeserializer(client);
    return (topic, data) => d.toAvroJson(topic, data);
  }
  const d =
    format === 'json-schema'
      ? new JsonSchemaDeserializer(client)
      : new ProtobufDeserializer(client);
  return async (topic, data) => JSON.stringify(await d.deserialize(topic, data));
}

/** Turns registry-encoded keys and values into their JSON text, or null. */
export function recordDecoder(
  flags: { keyFormat?: string; valueFormat?: string; registryUrl?: string },
  props: ReadonlyMap<string, string>,
): ((record: ConsumerRecord) => Promise<ConsumerRecord>) | null {
  const keyFormat = formatOf(flags.keyFormat);
  const valueFormat = formatOf(flags.valueFormat);
  if (keyFormat === null && valueFormat === null) return null;
  const client = registryClient(flags.registryUrl, props);
  const key = keyFormat === null ? null : sideDeserializer(client, keyFormat);
  const value = valueFormat === null ? null : sideDeserializer(client, valueFormat);
  return async (record) => ({
    ...record,
    key:
      key === null || record.key === null
        ? record.key
        : Buffer.from(await key(record.topic, record.key)),
    value:
      value === null || record.value === null
        ? record.value
        : Buffer.from(await value(record.topic, record.value)),
  });
}
