// API v2: topics and partitions (metadata, beginning and end offsets) and produce to a topic
// or to one partition with an embedded format: binary (base64), json, and the schema formats
// (avro, jsonschema, protobuf with key_schema/value_schema or their ids).
import type { PartitionMetadata, TopicMetadata } from '../client/index.js';
import { HttpError, HttpResponse, type HttpRequest, type HttpRoute } from '../http/index.js';
import { encodePlain, type SchemaFormatName } from './embedded-formats.js';
import type { RestContext } from './rest-context.js';
import {
  jsonConversion,
  KEY_SCHEMA_MISSING,
  partitionNotFound,
  topicNotFound,
  VALUE_SCHEMA_MISSING,
  KAFKA_ERROR,
  kafkaFailure,
} from './rest-errors.js';
import { contentFormat, v2, type EmbeddedFormat } from './v2-media-types.js';
import { ClientError, KafkaError, type ProducerRecord } from '../client/index.js';

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export function v2TopicRoutes(ctx: RestContext): HttpRoute[] {
  const topic = async (name: string): Promise<TopicMetadata> => {
    try {
      const [t] = await ctx.admin.describeTopics([name]);
      return t!;
    } catch (err) {
      if (err instanceof KafkaError && err.code === 3) throw topicNotFound();
      throw new HttpError(500, KAFKA_ERROR, (err as Error).message);
    }
  };
  const partition = (t: TopicMetadata, id: string | undefined) => {
    const p = t.partitions.find((x) => String(x.partition) === id);
    if (p === undefined) throw partitionNotFound();
    return p;
  };
  const produce = async (request: HttpRequest, partitionId?: string) => {
    const format = contentFormat(request);
    const t = await topic(request.params.topic!);
    const fixed = partitionId === undefined ? undefined : partition(t, partitionId).partition;
    const answer = await produceRecords(ctx, t, format, request.body, fixed);
    return answer instanceof HttpResponse ? answer : v2(answer);
  };
  return [
    {
      method: 'GET',
      url: '/topics',
      handler: async () => v2(await ctx.admin.listTopics({ includeInternal: true })),
    },
    {
      method: 'GET',
      url: '/topics/:topic',
      handler: async (request) => {
        const t = await topic(request.params.topic!);
        const configs = await ctx.admin.describeConfigs({ type: 'topic', name: t.name });
        return v2({
          name: t.name,
          configs: Object.fromEntries(
            configs.filter((c) => !c.isSensitive).map((c) => [c.name, c.value]),
          ),
          partitions: t.partitions.map(partitionOf),
        });
      },
    },
    { method: 'POST', url: '/topics/:topic', handler: (request) => produce(request) },
    {
      method: 'GET',
      url: '/topics/:topic/partitions',
      handler: async (request) =>
        v2((await topic(request.params.topic!)).partitions.map(partitionOf)),
    },
    {
      method: 'GET',
      url: '/topics/:topic/partitions/:partition',
      handler: async (request) =>
        v2(partitionOf(partition(await topic(request.params.topic!), request.params.partition))),
    },
    {
      method: 'POST',
      url: '/topics/:topic/partitions/:partition',
      handler: (request) => produce(request, request.params.partition),
    },
    {
      method: 'GET',
      url: '/topics/:topic/partitions/:partition/offsets',
      handler: async (request) => {
        const t = await topic(request.params.topic!);
        const p = partition(t, request.params.partition);
        const tp = [{ topic: t.name, partition: p.partition }];
        const [start] = await ctx.admin.listOffsets(tp, 'earliest');
        const [end] = await ctx.admin.listOffsets(tp, 'latest');
        return v2({ beginning_offset: Number(start!.offset), end_offset: Number(end!.offset) });
      },
    },
  ];
}

function partitionOf(p: PartitionMetadata) {
  return {
    partition: p.partition,
    leader: p.leaderId,
    replicas: p.replicas.map((b) => ({
      broker: b,
      leader: b === p.leaderId,
      in_sync: p.isr.includes(b),
    })),
  };
}

interface SchemaFields {
  keySchema?: string;
  keySchemaId?: number;
  valueSchema?: string;
  valueSchemaId?: number;
}

/** Produces the `records` of a v2 body; each gets an offset or an error, in order. */
async function produceRecords(
  ctx: RestContext,
  t: TopicMetadata,
  format: EmbeddedFormat,
  body: unknown,
  fixedPartition: number | undefined,
) {
  if (!isObject(body) || !Array.isArray(body.records)) {
    throw new HttpError(422, 422, 'records may not be empty');
  }
  const schemas: SchemaFields = {
    ...(typeof body.key_schema === 'string' ? { keySchema: body.key_schema } : {}),
    ...(typeof body.key_schema_id === 'number' ? { keySchemaId: body.key_schema_id } : {}),
    ...(typeof body.value_schema === 'string' ? { valueSchema: body.value_schema } : {}),
    ...(typeof body.value_schema_id === 'number' ? { valueSchemaId: body.value_schema_id } : {}),
  };
  // Conversion problems fail the whole request (as Confluent's proxy does) before any record
  // is sent, so a request is never half written for a bad payload.
  const prepared: { record: ProducerRecord; keyId: number | null; valueId: number | null }[] = [];
  for (const r of body.records as unknown[]) {
    prepared.push(await prepareRecord(ctx, t, format, r, schemas, fixedPartition));
  }
  const outcomes = await Promise.all(
    prepared.map(async (p) => {
      try {
        const m = await (await ctx.connectedProducer()).send(p.record);
        return { partition: m.partition, offset: Number(m.offset), error_code: null, error: null };
      } catch (err) {
        const retriable =
          (err instanceof KafkaError || err instanceof ClientError) && err.retriable;
        // v2's per-record codes: 1 a non-retriable Kafka error, 2 a retriable one; a refusal
        // by the cluster's authentication or authorizer has Confluent's 40101 or 40301.
        const security = kafkaFailure(err).statusCode;
        const code = security === 401 || security === 403 ? kafkaFailure(err).errorCode : null;
        return {
          partition: p.record.partition ?? null,
          offset: null,
          error_code: code ?? (retriable ? 2 : 1),
          error: (err as Error).message,
        };
      }
    }),
  );
  const answer = {
    key_schema_id: prepared[0]?.keyId ?? null,
    value_schema_id: prepared[0]?.valueId ?? null,
    offsets: outcomes,
  };
  // As Confluent's proxy: records refused by the authorizer make the answer a 403 (40301)
  // that still lists every record's outcome.
  const refused = outcomes.find((o) => o.error_code === 40301 || o.error_code === 40101);
  if (refused === undefined) return answer;
  const status = refused.error_code === 40101 ? 401 : 403;
  return v2({ error_code: refused.error_code, message: refused.error, ...answer }, status);
}

async function prepareRecord(
  ctx: RestContext,
  t: TopicMetadata,
  format: EmbeddedFormat,
  raw: unknown,
  schemas: SchemaFields,
  fixedPartition: number | undefined,
) {
  if (!isObject(raw)) throw jsonConversion('each record must be a JSON object');
  const record: ProducerRecord = { topic: t.name, value: null };
  if (fixedPartition !== undefined) record.partition = fixedPartition;
  else if (raw.partition !== undefined && raw.partition !== null) {
    if (typeof raw.partition !== 'number' || !Number.isInteger(raw.partition)) {
      throw jsonConversion('partition must be an integer');
    }
    if (raw.partition < 0 || raw.partition >= t.partitions.length) throw partitionNotFound();
    record.partition = raw.partition;
  }
  let keyId: number | null = null;
  let valueId: number | null = null;
  if (format === 'binary' || format === 'json') {
    const plain = format === 'binary' ? 'BINARY' : 'JSON';
    record.key = encodePlain(plain, raw.key, 'key');
    record.value = encodePlain(plain, raw.value, 'value');
  } else {
    const schemaFormat = format.toUpperCase() as SchemaFormatName;
    if (raw.key !== undefined && raw.key !== null) {
      if (schemas.keySchema === undefined && schemas.keySchemaId === undefined) {
        throw new HttpError(
          422,
          KEY_SCHEMA_MISSING,
          'Request includes keys but does not include key schema',
        );
      }
      const s = await ctx.schemaFormats.serialize({
        format: schemaFormat,
        topic: t.name,
        isKey: true,
        data: raw.key,
        schema: {
          ...(schemas.keySchema === undefined ? {} : { schema: schemas.keySchema }),
          ...(schemas.keySchemaId === undefined ? {} : { schemaId: schemas.keySchemaId }),
        },
      });
      record.key = s.bytes;
      keyId = s.schemaId;
    }
    if (raw.value !== undefined && raw.value !== null) {
      if (schemas.valueSchema === undefined && schemas.valueSchemaId === undefined) {
        throw new HttpError(
          422,
          VALUE_SCHEMA_MISSING,
          'Request includes values but does not include value schema',
        );
      }
      const s = await ctx.schemaFormats.serialize({
        format: schemaFormat,
        topic: t.name,
        isKey: false,
        data: raw.value,
        schema: {
          ...(schemas.valueSchema === undefined ? {} : { schema: schemas.valueSchema }),
          ...(schemas.valueSchemaId === undefined ? {} : { schemaId: schemas.valueSchemaId }),
        },
      });
      record.value = s.bytes;
      valueId = s.schemaId;
    }
  }
  return { record, keyId, valueId };
}
