// API v3 produce: POST /v3/clusters/{id}/topics/{topic}/records. A body holds one record
// (`{"partition_id"?, "headers"?, "key"?, "value"?, "timestamp"?}`) or several one after the
// other (streamed produce): each gets its own answer, in order, with an `error_code` of 200
// or the failure's, so one bad record does not fail the others. Key and value are
// `{"type": "BINARY"|"JSON"|"STRING"|"AVRO"|"JSONSCHEMA"|"PROTOBUF", "data", ...schema}`.
//
// The records of one body are handed to the producer together, so they share batches and
// requests; the answers are written once every record of the body has its outcome.
import { PassThrough, Readable } from 'node:stream';
import type { ProducerRecord, RecordMetadata, TopicMetadata } from '../client/index.js';
import { HttpError, HttpResponse, type HttpRoute } from '../http/index.js';
import {
  encodePlain,
  SCHEMA_FORMATS,
  type DataFormatName,
  type SchemaFormatName,
  type SchemaReference,
} from './embedded-formats.js';
import { JsonSequence, JsonValueScanner } from './json-sequence.js';
import type { RestContext } from './rest-context.js';
import {
  badRequestV3,
  INVALID_SCHEMA,
  JSON_CONVERSION,
  kafkaFailure,
  mapped,
  SCHEMA_RETRIEVAL_FAILED,
} from './rest-errors.js';
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
      url: RECORDS_ROUTE,
      handler: async (request) => {
        const base = await v3Base(ctx, request);
        const topicName = request.params.topic_name!;
        const topic = await mapped(() => ctx.topic(topicName));
        const answerOf = (a: Answer) =>
          a instanceof HttpError ? a.toJSON() : resultOf(base.clusterId, topicName, a);
        const lineOf = answerLines(base.clusterId, topicName);
        if (request.body instanceof Readable) {
          return streamed(request.body, (value) => produceOne(ctx, topic, value).then(lineOf));
        }
        const body = request.body;
        if (!(body instanceof JsonSequence)) {
          const only = await produceOne(ctx, topic, body);
          if (only instanceof HttpError) throw only;
          return answerOf(only);
        }
        // Each record is parsed, prepared and handed to the producer before the next is
        // parsed, so the parsed values of a long body die young; a value that is not JSON is
        // answered 400 on its own line.
        const pending: Promise<Answer>[] = new Array<Promise<Answer>>(body.length);
        for (let i = 0; i < body.length; i++) {
          let value: unknown;
          try {
            value = body.valueAt(i);
          } catch (err) {
            pending[i] = Promise.resolve(new HttpError(400, 400, (err as Error).message));
            continue;
          }
          pending[i] = produceOne(ctx, topic, value);
        }
        const lines = (await Promise.all(pending)).map(lineOf);
        return new HttpResponse(200, lines.join('\n') + '\n', {
          'content-type': 'application/json',
        });
      },
    },
  ];
}

const RECORDS_ROUTE = '/v3/clusters/:cluster_id/topics/:topic_name/records';
const RECORDS_PATH = /^\/v3\/clusters\/[^/]+\/topics\/[^/]+\/records\/?(\?|$)/;

/**
 * Whether a request is a streamed produce: a POST to the records route whose body comes in
 * chunks of unknown total length. Its answers are written as its records arrive.
 */
export function isStreamedProduce(request: {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
}): boolean {
  const encoding = request.headers['transfer-encoding'];
  return (
    request.method === 'POST' &&
    request.headers['content-length'] === undefined &&
    typeof encoding === 'string' &&
    encoding.toLowerCase().includes('chunked') &&
    RECORDS_PATH.test(request.url)
  );
}

type Answer = HttpError | { prepared: Prepared; metadata: RecordMetadata };

function resultOf(clusterId: string, topicName: string, a: Exclude<Answer, HttpError>) {
  return {
    error_code: 200,
    cluster_id: clusterId,
    topic_name: topicName,
    partition_id: a.metadata.partition,
    offset: Number(a.metadata.offset),
    timestamp: isoTime(a.metadata.timestamp),
    key: sizeOf(a.prepared.key),
    value: sizeOf(a.prepared.value),
  };
}

/**
 * Writes answers as JSON text directly: the same fields, in the same order, as
 * JSON.stringify(resultOf(...)) gives, without building an object per record (streamed
 * produce answers every record, so this is on the hot path).
 */
function answerLines(clusterId: string, topicName: string): (a: Answer) => string {
  const prefix =
    `{"error_code":200,"cluster_id":${JSON.stringify(clusterId)},` +
    `"topic_name":${JSON.stringify(topicName)},"partition_id":`;
  return (a) => {
    if (a instanceof HttpError) return JSON.stringify(a.toJSON());
    const m = a.metadata;
    return (
      `${prefix}${m.partition},"offset":${m.offset},"timestamp":"${isoTime(m.timestamp)}",` +
      `"key":${sizeText(a.prepared.key)},"value":${sizeText(a.prepared.value)}}`
    );
  };
}

/** {@link sizeOf} as JSON text (the type is one of the format names: nothing to escape). */
function sizeText(data: EncodedData | null): string {
  if (data === null) return 'null';
  const schema = data.schemaId === null ? '' : `,"schema_id":${data.schemaId}`;
  return `{"type":"${data.type}","size":${data.bytes?.length ?? 0}${schema}}`;
}

/** Produces one record; its failure is its answer. */
function produceOne(ctx: RestContext, topic: TopicMetadata, body: unknown): Promise<Answer> {
  let prepared: Prepared | Promise<Prepared>;
  try {
    prepared = prepare(ctx, topic, body);
  } catch (err) {
    return Promise.resolve(kafkaFailure(err));
  }
  // BINARY, JSON and STRING records are ready at once: one promise per record, the producer's.
  const send = (p: Prepared): Promise<Answer> => {
    const producer = ctx.connectedProducer();
    const sent =
      producer instanceof Promise
        ? producer.then((connected) => connected.send(p.record))
        : producer.send(p.record);
    return sent.then(
      (metadata: RecordMetadata) => ({ prepared: p, metadata }),
      (err: unknown) => kafkaFailure(err),
    );
  };
  return prepared instanceof Promise
    ? prepared.then(send, (err: unknown) => kafkaFailure(err))
    : send(prepared);
}

/**
 * Answers a chunked body as it arrives: each complete JSON value is produced at once and its
 * answer written, one line each, in arrival order. Text that is not JSON gets a 400 line and
 * ends the answer (the rest of the body cannot be split into records any more).
 */
function streamed(body: Readable, produce: (value: unknown) => Promise<string>): HttpResponse {
  const out = new PassThrough();
  const scanner = new JsonValueScanner();
  let tail: Promise<unknown> = Promise.resolve();
  let failed = false;
  const write = (answer: Promise<string>) => {
    tail = tail.then(() => answer).then((a) => out.write(`${a}\n`));
  };
  const fail = (message: string) => {
    failed = true;
    write(Promise.resolve(JSON.stringify(new HttpError(400, 400, message).toJSON())));
    void tail.then(() => out.end());
    body.resume();
  };
  body.setEncoding('utf8');
  body.on('data', (piece: string) => {
    if (failed) return;
    let texts: string[];
    try {
      texts = scanner.feed(piece);
    } catch (err) {
      fail((err as Error).message);
      return;
    }
    for (const text of texts) {
      let value: unknown;
      try {
        value = JSON.parse(text) as unknown;
      } catch (err) {
        fail((err as Error).message);
        return;
      }
      write(produce(value));
    }
  });
  body.on('end', () => {
    if (failed) return;
    if (!scanner.complete) fail('The body ends inside a JSON value.');
    else void tail.then(() => out.end());
  });
  body.on('error', () => {
    failed = true;
    void tail.then(() => out.end());
  });
  return new HttpResponse(200, out, { 'content-type': 'application/json' });
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function prepare(
  ctx: RestContext,
  topic: TopicMetadata,
  body: unknown,
): Prepared | Promise<Prepared> {
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
  const key = encodeData(ctx, topic.name, true, body.key);
  const value = encodeData(ctx, topic.name, false, body.value);
  const finish = (k: EncodedData | null, v: EncodedData | null): Prepared => {
    record.key = k?.bytes ?? null;
    record.value = v?.bytes ?? null;
    return { record, key: k, value: v };
  };
  if (key instanceof Promise || value instanceof Promise) {
    return Promise.all([key, value]).then(([k, v]) => finish(k, v));
  }
  return finish(key, value);
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

/** Plain data is encoded at once; schema data waits for the registry's serializer. */
function encodeData(
  ctx: RestContext,
  topic: string,
  isKey: boolean,
  data: unknown,
): EncodedData | null | Promise<EncodedData> {
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
  return ctx.schemaFormats
    .serialize({
      format: type as SchemaFormatName,
      topic,
      isKey,
      data: data.data,
      schema: schemaOf(data) ?? {},
    })
    .then(
      ({ bytes, schemaId }) => ({ type: type as SchemaFormatName, bytes, schemaId }),
      (err: unknown) => {
        // v3 answers a bad schema, bad data or a failed registry lookup 400, as Confluent's
        // BadRequestException.
        if (err instanceof HttpError && V2_SCHEMA_ERRORS.has(err.errorCode))
          throw badRequestV3(err.message);
        throw err;
      },
    );
}

const V2_SCHEMA_ERRORS = new Set([JSON_CONVERSION, INVALID_SCHEMA, SCHEMA_RETRIEVAL_FAILED]);

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
