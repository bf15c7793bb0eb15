// API v3 produce: POST /v3/clusters/{id}/topics/{topic}/records. A body holds one record
// (`{"partition_id"?, "headers"?, "key"?, "value"?, "timestamp"?}`) or several one after the
// other (streamed produce): each gets its own answer, in order, with an `error_code` of 200
// or the failure's, so one bad record does not fail the others. Key and value are
// `{"type": "BINARY"|"JSON"|"STRING"|"AVRO"|"JSONSCHEMA"|"PROTOBUF", "data", ...schema}`.
//
// The records of one body are handed to the producer together, so they share batches and
// requests; the answers are written once every record of the body has its outcome.
import type { ProducerRecord, RecordMetadata, TopicMetadata } from '../client/index.js';
import { HttpError, HttpResponse, type HttpRoute } from '../http/index.js';
import {
  encodePlain,
  SCHEMA_FORMATS,
  type DataFormatName,
  type SchemaFormatName,
  type SchemaReference,
} from './embedded-formats.js';
import { JsonSequence } from './json-sequence.js';
import type { RestContext } from './rest-context.js';
import { badRequestV3, kafkaFailure, mapped } from './rest-errors.js';
import { v3Base } from './v3-resources.js';

interface EncodedData {
  type: DataFormatName;
  bytes: Buffer | null;
  schemaId: number | null;
}

interface Prepared {
  record: ProducerRecord;
  key: EncodedData | null;
  value: EncodedData | null;
}

export function v3ProduceRoutes(ctx: RestContext): HttpRoute[] {
  return [
    {
      method: 'POST',
      url: '/v3/clusters/:cluster_id/topics/:topic_name/records',
      handler: async (request) => {
        const base = await v3Base(ctx, request);
        const topicName = request.params.topic_name!;
        const topic = await mapped(() => ctx.topic(topicName));
        const bodies = request.body instanceof JsonSequence ? request.body.values : [request.body];
        const answers = await produceAll(ctx, topic, bodies);
        const results = answers.map((a) =>
          a instanceof HttpError
            ? a.toJSON()
            : {
                error_code: 200,
                cluster_id: base.clusterId,
                topic_name: topicName,
                partition_id: a.metadata.partition,
                offset: Number(a.metadata.offset),
                timestamp: isoTime(a.metadata.timestamp),
                key: sizeOf(a.prepared.key),
                value: sizeOf(a.prepared.value),
              },
        );
        if (!(request.body instanceof JsonSequence)) {
          const only = answers[0]!;
          if (only instanceof HttpError) throw only;
          return results[0];
        }
        return new HttpResponse(200, results.map((r) => JSON.stringify(r)).join('\n') + '\n', {
          'content-type': 'application/json',
        });
      },
    },
  ];
}

/** Produces every body's record; the answers are in body order. */
async function produceAll(ctx: RestContext, topic: TopicMetadata, bodies: unknown[]) {
  const pending = bodies.map(async (body) => {
    try {
      const prepared = await prepare(ctx, topic, body);
      const metadata: RecordMetadata = await ctx.producer.send(prepared.record);
      return { prepared, metadata };
    } catch (err) {
      return kafkaFailure(err);
    }
  });
  return Promise.all(pending);
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

async function prepare(ctx: RestContext, topic: TopicMetadata, body: unknown): Promise<Prepared> {
  if (!isObject(body)) throw badRequestV3('A record must be a JSON object.');
  const record: ProducerRecord = { topic: topic.name, value: null };
  if (body.partition_id !== undefined && body.partition_id !== null) {
    const p = body.partition_id;
    if (typeof p !== 'number' || !Number.isInteger(p)) {
      throw badRequestV3('partition_id must be an integer.');
    }
    if (p < 0 || p >= topic.partitions.length) {
      throw new HttpError(404, 40403, 'This server does not host this topic-partition.');
    }
    record.partition = p;
  }
  if (body.timestamp !== undefined && body.timestamp !== null) {
    const ms = typeof body.timestamp === 'string' ? Date.parse(body.timestamp) : NaN;
    if (Number.isNaN(ms)) throw badRequestV3('timestamp must be an ISO-8601 date-time.');
    record.timestamp = ms;
  }
  record.headers = headersOf(body.headers);
  const key = await encodeData(ctx, topic.name, true, body.key);
  const value = await encodeData(ctx, topic.name, false, body.value);
  record.key = key?.bytes ?? null;
  record.value = value?.bytes ?? null;
  return { record, key, value };
}

function headersOf(headers: unknown): { key: string; value: Buffer | null }[] {
  if (headers === undefined || headers === null) return [];
  if (!Array.isArray(headers)) throw badRequestV3('headers must be a list of {name, value}.');
  return headers.map((h: unknown) => {
    if (!isObject(h) || typeof h.name !== 'string') {
      throw badRequestV3('Each header needs a "name".');
    }
    if (h.value === null || h.value === undefined) return { key: h.name, value: null };
    return { key: h.name, value: encodePlain('BINARY', h.value, `header ${h.name}`) };
  });
}

async function encodeData(
  ctx: RestContext,
  topic: string,
  isKey: boolean,
  data: unknown,
): Promise<EncodedData | null> {
  if (data === undefined || data === null) return null;
  const what = isKey ? 'key' : 'value';
  if (!isObject(data)) throw badRequestV3(`${what} must be an object with "type" and "data".`);
  // Without a type, data with schema details is AVRO (Confluent's default schema type) and
  // data without is JSON.
  const type =
    typeof data.type === 'string'
      ? data.type.toUpperCase()
      : schemaOf(data) !== null
        ? 'AVRO'
        : 'JSON';
  if (type === 'BINARY' || type === 'JSON' || type === 'STRING') {
    try {
      return { type, bytes: encodePlain(type, data.data, what), schemaId: null };
    } catch (err) {
      throw badRequestV3((err as Error).message);
    }
  }
  if (!SCHEMA_FORMATS.includes(type as SchemaFormatName)) {
    throw badRequestV3(`Unknown ${what} type ${type}.`);
  }
  if (data.data === null || data.data === undefined)
    return { type: type as SchemaFormatName, bytes: null, schemaId: null };
  const { bytes, schemaId } = await ctx.schemaFormats.serialize({
    format: type as SchemaFormatName,
    topic,
    isKey,
    data: data.data,
    schema: schemaOf(data) ?? {},
  });
  return { type: type as SchemaFormatName, bytes, schemaId };
}

/** The schema details of a key or value, or null when it names none. */
function schemaOf(data: Record<string, unknown>): SchemaReference | null {
  if (
    data.schema === undefined &&
    data.schema_id === undefined &&
    data.schema_version === undefined &&
    data.subject === undefined &&
    data.subject_name_strategy === undefined
  ) {
    return null;
  }
  return {
    ...(typeof data.schema === 'string' ? { schema: data.schema } : {}),
    ...(typeof data.schema_id === 'number' ? { schemaId: data.schema_id } : {}),
    ...(typeof data.schema_version === 'number' ? { schemaVersion: data.schema_version } : {}),
    ...(typeof data.subject === 'string' ? { subject: data.subject } : {}),
    ...(typeof data.subject_name_strategy === 'string'
      ? { subjectNameStrategy: data.subject_name_strategy }
      : {}),
  };
}

function sizeOf(data: EncodedData | null) {
  if (data === null) return null;
  return {
    type: data.type,
    size: data.bytes?.length ?? 0,
    ...(data.schemaId === null ? {} : { schema_id: data.schemaId }),
  };
}

// Records of one body mostly share their timestamp: format it once.
let lastIsoMs = NaN;
let lastIso = '';
function isoTime(ms: number): string {
  if (ms !== lastIsoMs) {
    lastIsoMs = ms;
    lastIso = new Date(ms).toISOString();
  }
  return lastIso;
}
