// API v2 consumer instances: create, subscribe (topics or a pattern), assign partitions, seek
// (to offsets, beginning, end), poll records in the instance's embedded format, commit and
// read committed offsets, delete.
import type { ConsumerRecord, TopicPartition } from '../client/index.js';
import { HttpError, type HttpRequest, type HttpRoute } from '../http/index.js';
import type { ConsumerInstance } from './consumer-instance.js';
import type { ConsumerInstances } from './consumer-instances.js';
import { decodePlain, type SchemaFormatName } from './embedded-formats.js';
import type { RestContext } from './rest-context.js';
import {
  CONSUMER_FORMAT_MISMATCH,
  invalidConsumerConfig,
  jsonConversion,
  kafkaFailure,
} from './rest-errors.js';
import {
  acceptedFormats,
  EMBEDDED_FORMATS,
  v2,
  v2NoContent,
  type EmbeddedFormat,
} from './v2-media-types.js';

const INSTANCE = '/consumers/:group/instances/:instance';

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export function v2ConsumerRoutes(ctx: RestContext, instances: ConsumerInstances): HttpRoute[] {
  /** Runs an operation on the instance the path names, in its turn. */
  const on = <T>(request: HttpRequest, op: (i: ConsumerInstance) => Promise<T> | T) => {
    const instance = instances.get(request.params.group!, request.params.instance!);
    return instance.run(async () => {
      try {
        return await op(instance);
      } catch (err) {
        throw kafkaFailure(err);
      }
    });
  };
  return [
    {
      method: 'POST',
      url: '/consumers/:group',
      handler: (request) => {
        const group = request.params.group!;
        const config = consumerConfigOf(request.body, ctx.config.consumerRequestTimeoutMs);
        const instance = instances.create({ group, ...config, cluster: ctx.cluster });
        return v2({
          instance_id: instance.options.name,
          base_uri: `${ctx.baseUrl(request)}/consumers/${group}/instances/${instance.options.name}`,
        });
      },
    },
    {
      method: 'DELETE',
      url: INSTANCE,
      handler: async (request) => {
        await instances.delete(request.params.group!, request.params.instance!);
        return v2NoContent();
      },
    },
    {
      method: 'POST',
      url: `${INSTANCE}/subscription`,
      handler: (request) =>
        on(request, async (i) => {
          const body = isObject(request.body) ? request.body : {};
          if (typeof body.topic_pattern === 'string')
            await i.subscribe({ pattern: body.topic_pattern });
          else if (Array.isArray(body.topics) && body.topics.every((t) => typeof t === 'string')) {
            await i.subscribe(body.topics as string[]);
          } else
            throw jsonConversion('the body needs "topics" (a list of names) or "topic_pattern"');
          return v2NoContent();
        }),
    },
    {
      method: 'GET',
      url: `${INSTANCE}/subscription`,
      handler: (request) =>
        on(request, (i) => {
          const s = i.subscribed();
          return v2({ topics: s === null || !Array.isArray(s) ? [] : s });
        }),
    },
    {
      method: 'DELETE',
      url: `${INSTANCE}/subscription`,
      handler: (request) =>
        on(request, async (i) => {
          await i.unsubscribe();
          return v2NoContent();
        }),
    },
    {
      method: 'POST',
      url: `${INSTANCE}/assignments`,
      handler: (request) =>
        on(request, async (i) => {
          await i.assign(partitionsOf(request.body));
          return v2NoContent();
        }),
    },
    {
      method: 'GET',
      url: `${INSTANCE}/assignments`,
      handler: (request) => on(request, (i) => v2({ partitions: i.assignment() })),
    },
    {
      method: 'POST',
      url: `${INSTANCE}/positions`,
      handler: (request) =>
        on(request, (i) => {
          i.seek(offsetsOf(request.body).map((o) => ({ ...o, offset: BigInt(o.offset) })));
          return v2NoContent();
        }),
    },
    {
      method: 'POST',
      url: `${INSTANCE}/positions/beginning`,
      handler: (request) =>
        on(request, (i) => {
          i.seek(partitionsOf(request.body).map((tp) => ({ ...tp, offset: 'earliest' as const })));
          return v2NoContent();
        }),
    },
    {
      method: 'POST',
      url: `${INSTANCE}/positions/end`,
      handler: (request) =>
        on(request, (i) => {
          i.seek(partitionsOf(request.body).map((tp) => ({ ...tp, offset: 'latest' as const })));
          return v2NoContent();
        }),
    },
    {
      method: 'GET',
      url: `${INSTANCE}/records`,
      handler: (request) => {
        const instance = instances.get(request.params.group!, request.params.instance!);
        checkAccept(request, instance.options.format);
        // `timeout` only shortens the instance's consumer.request.timeout.ms, as in Confluent's.
        const timeoutMs = Math.min(
          queryInt(request, 'timeout') ?? Infinity,
          instance.options.requestTimeoutMs,
        );
        const maxBytes = Math.min(
          queryInt(request, 'max_bytes') ?? ctx.config.consumerRequestMaxBytes,
          ctx.config.consumerRequestMaxBytes,
        );
        return on(request, async (i) => {
          const records = await i.poll(timeoutMs, maxBytes);
          const out = [];
          for (const r of records) out.push(await recordOf(ctx, i.options.format, r));
          return v2(out);
        });
      },
    },
    {
      method: 'POST',
      url: `${INSTANCE}/offsets`,
      handler: (request) =>
        on(request, async (i) => {
          const body = request.body;
          const given =
            isObject(body) && Array.isArray(body.offsets)
              ? offsetsOf(body).map((o) => ({ ...o, offset: BigInt(o.offset) }))
              : undefined;
          await i.commit(given);
          return v2NoContent();
        }),
    },
    {
      method: 'GET',
      url: `${INSTANCE}/offsets`,
      handler: (request) =>
        on(request, async (i) => {
          // Confluent's clients send the partitions as a GET body `{"partitions": [...]}`;
          // the `partitions` query (topic:partition,...) serves clients that cannot, and with
          // neither the instance's assignment is answered.
          const asked =
            (request.body === undefined ? undefined : partitionsOf(request.body)) ??
            partitionsFromQuery(request) ??
            i.assignment();
          const committed = await i.committed(asked);
          return v2({
            offsets: committed.map((c) => ({
              topic: c.topic,
              partition: c.partition,
              offset: Number(c.offset),
              metadata: c.metadata ?? '',
            })),
          });
        }),
    },
  ];
}

interface ConsumerConfig {
  name?: string;
  format: EmbeddedFormat;
  autoOffsetReset: 'earliest' | 'latest' | 'none';
  autoCommit: boolean;
  fetchMinBytes: number | undefined;
  requestTimeoutMs: number;
}

/** The body of POST /consumers/{group}; values may be strings, as Confluent's examples send. */
function consumerConfigOf(body: unknown, defaultTimeoutMs: number): ConsumerConfig {
  const b = isObject(body) ? body : {};
  const text = (key: string) => {
    const v = b[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return String(v);
    throw invalidConsumerConfig(`${key} must be a string`);
  };
  const name = text('name');
  if (name !== undefined && !/^[A-Za-z0-9._-]+$/.test(name)) {
    throw invalidConsumerConfig(`name ${name} may only hold letters, digits, '.', '_' and '-'`);
  }
  const format = (text('format') ?? 'binary').toLowerCase();
  if (!EMBEDDED_FORMATS.includes(format as EmbeddedFormat)) {
    throw invalidConsumerConfig(`unknown format ${format}`);
  }
  const reset = text('auto.offset.reset') ?? 'latest';
  if (reset !== 'earliest' && reset !== 'latest' && reset !== 'none') {
    throw invalidConsumerConfig(`auto.offset.reset must be earliest, latest or none`);
  }
  const commit = text('auto.commit.enable') ?? 'true';
  if (commit !== 'true' && commit !== 'false') {
    throw invalidConsumerConfig('auto.commit.enable must be true or false');
  }
  const int = (key: string) => {
    const v = text(key);
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw invalidConsumerConfig(`${key} must be a whole number`);
    return n;
  };
  return {
    ...(name === undefined ? {} : { name }),
    format: format as EmbeddedFormat,
    autoOffsetReset: reset,
    autoCommit: commit === 'true',
    fetchMinBytes: int('fetch.min.bytes'),
    requestTimeoutMs: int('consumer.request.timeout.ms') ?? defaultTimeoutMs,
  };
}

function partitionsOf(body: unknown): TopicPartition[] {
  if (!isObject(body) || !Array.isArray(body.partitions)) {
    throw jsonConversion('the body needs "partitions": [{"topic", "partition"}]');
  }
  return body.partitions.map((p: unknown) => {
    if (!isObject(p) || typeof p.topic !== 'string' || !Number.isInteger(p.partition)) {
      throw jsonConversion('each partition needs "topic" and an integer "partition"');
    }
    return { topic: p.topic, partition: p.partition as number };
  });
}

function offsetsOf(body: unknown): (TopicPartition & { offset: number })[] {
  if (!isObject(body) || !Array.isArray(body.offsets)) {
    throw jsonConversion('the body needs "offsets": [{"topic", "partition", "offset"}]');
  }
  return body.offsets.map((o: unknown) => {
    if (
      !isObject(o) ||
      typeof o.topic !== 'string' ||
      !Number.isInteger(o.partition) ||
      !Number.isInteger(o.offset)
    ) {
      throw jsonConversion('each offset needs "topic", "partition" and "offset" integers');
    }
    return { topic: o.topic, partition: o.partition as number, offset: o.offset as number };
  });
}

function partitionsFromQuery(request: HttpRequest): TopicPartition[] | null {
  const q = request.query.partitions;
  if (typeof q !== 'string' || q === '') return null;
  return q.split(',').map((entry) => {
    const at = entry.lastIndexOf(':');
    const partition = Number(entry.slice(at + 1));
    if (at <= 0 || !Number.isInteger(partition)) {
      throw jsonConversion(`partitions: ${entry} is not topic:partition`);
    }
    return { topic: entry.slice(0, at), partition };
  });
}

function queryInt(request: HttpRequest, name: string): number | undefined {
  const v = request.query[name];
  if (typeof v !== 'string' || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) {
    throw new HttpError(400, 400, `${name} must be a whole number`);
  }
  return n;
}

/** The Accept header must allow the instance's format (406 otherwise). */
function checkAccept(request: HttpRequest, format: EmbeddedFormat): void {
  const accepted = acceptedFormats(request);
  if (accepted === null || accepted.includes(format)) return;
  if (accepted.length === 0) throw new HttpError(406, 406, 'HTTP 406 Not Acceptable');
  throw new HttpError(
    406,
    CONSUMER_FORMAT_MISMATCH,
    'The requested embedded data format does not match the deserializer for this consumer instance',
  );
}

async function recordOf(ctx: RestContext, format: EmbeddedFormat, r: ConsumerRecord) {
  const convert = async (bytes: Buffer | null, isKey: boolean) => {
    if (format === 'binary' || format === 'json') return decodePlain(format, bytes);
    if (bytes === null) return null;
    return ctx.schemaFormats.deserialize({
      format: format.toUpperCase() as SchemaFormatName,
      topic: r.topic,
      isKey,
      bytes,
    });
  };
  return {
    topic: r.topic,
    key: await convert(r.key, true),
    value: await convert(r.value, false),
    partition: r.partition,
    offset: Number(r.offset),
  };
}
