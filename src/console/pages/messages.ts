// The message browser: records of one partition or all, from an offset, from a time, the
// earliest or the latest N; keys, values and headers shown as text, pretty JSON or hex. And a
// form that produces one record (key, value, headers, partition) through the client Producer.
import {
  Consumer,
  KafkaError,
  Producer,
  type ConsumerRecord,
  type RecordMetadata,
} from '../../client/index.js';
import { badRequest } from '../../http/index.js';
import { field, type ConsoleContext, type FormBody, offsetsOf } from '../console-context.js';
import type { ConsoleRoute } from '../console-context.js';
import { html, query, seg, type SafeHtml } from '../html.js';
import { page } from '../layout.js';
import { MAX_SHOWN_BYTES, showBytes, type ShownBytes } from '../record-format.js';

export const DEFAULT_MESSAGE_COUNT = 20;
export const MAX_MESSAGE_COUNT = 500;
/** A browse stops reading after this long and shows what it has (a slow or stuck cluster). */
export const BROWSE_TIMEOUT_MS = 10_000;

export type BrowseFrom = 'latest' | 'earliest' | 'offset' | 'timestamp';

export interface BrowseOptions {
  /** A partition, or all of them when absent. */
  partition?: number;
  from: BrowseFrom;
  offset?: bigint;
  /** Milliseconds since the epoch. */
  timestampMs?: number;
  count: number;
}

export interface BrowseResult {
  records: ConsumerRecord[];
  partitions: number[];
  /** The read stopped at the time bound before reaching every partition's end. */
  timedOut: boolean;
}

export function messageRoutes(ctx: ConsoleContext): ConsoleRoute[] {
  return [
    {
      method: 'GET',
      url: '/topics/:topic/messages',
      handler: async ({ params, query: q }) => {
        const topic = params.topic!;
        const options = browseOptions(q);
        const [meta] = await ctx.admin.describeTopics([topic]);
        const result = await browseMessages(ctx, topic, options);
        return {
          html: page({
            title: `Messages of ${topic}`,
            section: 'topics',
            bootstrap: ctx.bootstrap,
            notice: field(q, 'notice') || undefined,
            error: field(q, 'error') || undefined,
            body: messagesPage(topic, meta!.partitions.length, options, q, result),
          }),
        };
      },
    },
    {
      method: 'POST',
      url: '/topics/:topic/messages',
      handler: async ({ params, body }) => {
        const topic = params.topic!;
        let sent: RecordMetadata;
        try {
          sent = await produceMessage(ctx, topic, body);
        } catch (err) {
          if (!(err instanceof KafkaError || isBadRequest(err))) throw err;
          const e = err as Error;
          const error = err instanceof KafkaError ? `${e.name}: ${e.message}` : e.message;
          return { redirect: `/topics/${seg(topic)}/messages${query({ error })}` };
        }
        const notice = `Produced to partition ${sent.partition} at offset ${sent.offset}.`;
        const to = query({
          partition: sent.partition,
          from: 'offset',
          offset: String(sent.offset),
          notice,
        });
        return { redirect: `/topics/${seg(topic)}/messages${to}` };
      },
    },
  ];
}

function isBadRequest(err: unknown): boolean {
  return err instanceof Error && err.name === 'HttpError';
}

function browseOptions(q: FormBody): BrowseOptions {
  const partitionText = field(q, 'partition');
  const from = (field(q, 'from') || 'latest') as BrowseFrom;
  if (!['latest', 'earliest', 'offset', 'timestamp'].includes(from))
    throw badRequest(`'from' must be latest, earliest, offset or timestamp.`);
  const countText = field(q, 'count');
  const count = /^[0-9]+$/.test(countText) ? Number(countText) : DEFAULT_MESSAGE_COUNT;
  const options: BrowseOptions = {
    from,
    count: Math.min(Math.max(1, count), MAX_MESSAGE_COUNT),
  };
  if (/^[0-9]+$/.test(partitionText)) options.partition = Number(partitionText);
  else if (partitionText !== '' && partitionText !== 'all')
    throw badRequest(`'partition' must be a partition number or 'all'.`);
  if (from === 'offset') {
    const offsetText = field(q, 'offset');
    if (!/^[0-9]+$/.test(offsetText)) throw badRequest('Give the offset to start from.');
    options.offset = BigInt(offsetText);
  }
  if (from === 'timestamp') {
    const ms = parseTime(field(q, 'timestamp'));
    if (ms === undefined)
      throw badRequest('Give the time to start from, e.g. 2026-01-31T12:00 (UTC).');
    options.timestampMs = ms;
  }
  return options;
}

/** Milliseconds since the epoch, or an ISO date and time read as UTC unless it names a zone. */
export function parseTime(text: string): number | undefined {
  const t = text.trim();
  if (/^[0-9]+$/.test(t)) return Number(t);
  if (t === '') return undefined;
  const zoned = /(Z|[+-][0-9]{2}:?[0-9]{2})$/i.test(t) ? t : `${t}Z`;
  const ms = Date.parse(zoned);
  return Number.isNaN(ms) ? undefined : ms;
}

/** Reads the records the options ask for with a short-lived assigned (group-less) consumer. */
export async function browseMessages(
  ctx: ConsoleContext,
  topic: string,
  options: BrowseOptions,
): Promise<BrowseResult> {
  const [meta] = await ctx.admin.describeTopics([topic]);
  const partitions =
    options.partition === undefined
      ? meta!.partitions.map((p) => p.partition).sort((a, b) => a - b)
      : [options.partition];
  if (
    options.partition !== undefined &&
    !meta!.partitions.some((p) => p.partition === options.partition)
  )
    throw badRequest(`Topic ${topic} has no partition ${options.partition}.`);
  const tps = partitions.map((partition) => ({ topic, partition }));
  const [earliest, latest] = await Promise.all([
    offsetsOf(ctx, tps, 'earliest'),
    offsetsOf(ctx, tps, 'latest'),
  ]);
  const starts =
    options.from === 'timestamp' ? await offsetsOf(ctx, tps, options.timestampMs!) : undefined;
  const ranges = partitions.map((partition, i) => {
    const low = earliest[i]!;
    const end = latest[i]!;
    const count = BigInt(options.count);
    let start: bigint;
    if (options.from === 'latest') start = end - count > low ? end - count : low;
    else if (options.from === 'earliest') start = low;
    else if (options.from === 'offset') start = options.offset! < low ? low : options.offset!;
    else start = starts![i]! < 0n ? end : starts![i]!;
    return { partition, start, end };
  });
  const toRead = ranges.filter((r) => r.start < r.end);
  const { records, timedOut } = await readRanges(ctx, topic, toRead, options.count);
  records.sort(
    (a, b) => a.timestamp - b.timestamp || a.partition - b.partition || Number(a.offset - b.offset),
  );
  // "Latest N" keeps the newest N overall; the other modes the first N from where they start.
  const kept =
    options.from === 'latest' ? records.slice(-options.count) : records.slice(0, options.count);
  return { records: kept, partitions, timedOut };
}

async function readRanges(
  ctx: ConsoleContext,
  topic: string,
  ranges: { partition: number; start: bigint; end: bigint }[],
  perPartition: number,
): Promise<{ records: ConsumerRecord[]; timedOut: boolean }> {
  if (ranges.length === 0) return { records: [], timedOut: false };
  const consumer = new Consumer({ ...ctx.clientOptions, autoOffsetReset: 'earliest' });
  await consumer.connect();
  const open = new Map(ranges.map((r) => [r.partition, { end: r.end, taken: 0 }]));
  const records: ConsumerRecord[] = [];
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    consumer.close();
  }, BROWSE_TIMEOUT_MS);
  try {
    consumer.assign(ranges.map((r) => ({ topic, partition: r.partition, offset: r.start })));
    for await (const batch of consumer.batches()) {
      const state = open.get(batch.partition);
      if (state === undefined) continue;
      for (const r of batch.records) {
        if (r.offset >= state.end || state.taken >= perPartition) break;
        records.push(r);
        state.taken++;
      }
      if (batch.nextOffset >= state.end || state.taken >= perPartition) {
        open.delete(batch.partition);
        consumer.pause([{ topic, partition: batch.partition }]);
      }
      if (open.size === 0) break;
    }
  } finally {
    clearTimeout(timer);
    consumer.close();
  }
  return { records, timedOut };
}

function parseHeaderLines(text: string): { key: string; value: string }[] {
  const headers: { key: string; value: string }[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '') continue;
    const colon = line.indexOf(':');
    if (colon <= 0) throw badRequest(`Header line “${line.trim()}” is not name: value.`);
    headers.push({ key: line.slice(0, colon).trim(), value: line.slice(colon + 1).trim() });
  }
  return headers;
}

/** Sends one record from the produce form and waits for its acknowledgement. */
export async function produceMessage(
  ctx: ConsoleContext,
  topic: string,
  body: FormBody,
): Promise<RecordMetadata> {
  const partitionText = field(body, 'partition');
  if (partitionText !== '' && partitionText !== 'any' && !/^[0-9]+$/.test(partitionText))
    throw badRequest(`'partition' must be a partition number or 'any'.`);
  const key = field(body, 'key');
  const headers = parseHeaderLines(field(body, 'headers'));
  // A producer per message: the page is for people, and this keeps no idle connection.
  const producer = new Producer({ ...ctx.clientOptions, lingerMs: 0, maxBlockMs: 15_000 });
  await producer.connect();
  try {
    return await producer.send({
      topic,
      ...(/^[0-9]+$/.test(partitionText) ? { partition: Number(partitionText) } : {}),
      key: key === '' ? null : key,
      value: field(body, 'tombstone') === 'on' ? null : field(body, 'value'),
      headers,
    });
  } finally {
    await producer.close();
  }
}

function shown(bytes: ShownBytes): SafeHtml {
  if (bytes.kind === 'null') return html`<span class="null">null</span>`;
  const note = bytes.kind === 'hex' ? 'binary, hex' : bytes.kind === 'json' ? 'JSON' : 'text';
  // The content is the accessible text; the format note follows it, so no aria-label hides it.
  return html`<pre class="${bytes.kind}">${bytes.text}</pre>
    <span class="format"
      >${note}, ${bytes.sizeBytes}
      B${
        bytes.sizeBytes > MAX_SHOWN_BYTES ? `; the first ${MAX_SHOWN_BYTES / 1024} KiB shown` : ''
      }</span
    >`;
}

function messagesPage(
  topic: string,
  partitionCount: number,
  options: BrowseOptions,
  q: FormBody,
  result: BrowseResult,
): SafeHtml {
  const selected = (v: boolean) => (v ? html` selected` : '');
  const partitionOptions = Array.from({ length: partitionCount }, (_, p) => p);
  const rows = result.records.map((r) => {
    const headers = r.headers.map(
      (h) => html`<li><code>${h.key}</code>: ${shown(showBytes(h.value))}</li>`,
    );
    return html`<tr>
      <td>${r.partition}</td>
      <td>${r.offset}</td>
      <td>
        <time datetime="${new Date(r.timestamp).toISOString()}"
          >${new Date(r.timestamp).toISOString()}</time
        >
      </td>
      <td>${shown(showBytes(r.key))}</td>
      <td>${shown(showBytes(r.value))}</td>
      <td>
        ${
          headers.length === 0
            ? '–'
            : html`<ul class="headers">
                ${headers}
              </ul>`
        }
      </td>
    </tr>`;
  });
  return html` <p><a href="/topics/${seg(topic)}">Back to topic ${topic}</a></p>
    <section aria-labelledby="browse-heading">
      <h2 id="browse-heading">Browse</h2>
      <form method="get" action="/topics/${seg(topic)}/messages" class="inline">
        <label for="partition">Partition</label>
        <select id="partition" name="partition">
          <option value="all" ${selected(options.partition === undefined)}>All partitions</option>
          ${partitionOptions.map((p) => html`<option value="${p}" ${selected(options.partition === p)}>${p}</option>`)}
        </select>
        <label for="from">Start</label>
        <select id="from" name="from">
          <option value="latest" ${selected(options.from === 'latest')}>Latest messages</option>
          <option value="earliest" ${selected(options.from === 'earliest')}>
            From the earliest offset
          </option>
          <option value="offset" ${selected(options.from === 'offset')}>From an offset</option>
          <option value="timestamp" ${selected(options.from === 'timestamp')}>From a time</option>
        </select>
        <label for="offset">Offset</label>
        <input
          id="offset"
          name="offset"
          inputmode="numeric"
          size="10"
          value="${field(q, 'offset')}"
        />
        <label for="timestamp">Time (UTC)</label>
        <input
          id="timestamp"
          name="timestamp"
          type="datetime-local"
          step="1"
          value="${field(q, 'timestamp')}"
        />
        <label for="count">Count</label>
        <input
          id="count"
          name="count"
          type="number"
          min="1"
          max="${MAX_MESSAGE_COUNT}"
          value="${options.count}"
        />
        <button type="submit">Show messages</button>
      </form>
      <p role="status" id="message-count">
        ${result.records.length} message${result.records.length === 1 ? '' : 's'}
        shown${result.timedOut ? ' (the read stopped after 10 s; the cluster answered slowly)' : ''}.
      </p>
      <table class="messages">
        <caption>
          Messages of ${topic}
        </caption>
        <thead>
          <tr>
            <th scope="col">Partition</th>
            <th scope="col">Offset</th>
            <th scope="col">Timestamp</th>
            <th scope="col">Key</th>
            <th scope="col">Value</th>
            <th scope="col">Headers</th>
          </tr>
        </thead>
        <tbody>
          ${rows}
        </tbody>
      </table>
    </section>
    <section aria-labelledby="produce-heading">
      <h2 id="produce-heading">Produce a message</h2>
      <form method="post" action="/topics/${seg(topic)}/messages" class="stacked">
        <p>
          <label for="produce-partition">Partition</label>
          <select id="produce-partition" name="partition">
            <option value="any">Chosen by the partitioner</option>
            ${partitionOptions.map((p) => html`<option value="${p}">${p}</option>`)}
          </select>
        </p>
        <p>
          <label for="produce-key">Key</label>
          <input id="produce-key" name="key" aria-describedby="key-help" />
          <span id="key-help" class="help">Empty: no key.</span>
        </p>
        <p>
          <label for="produce-value">Value</label>
          <textarea id="produce-value" name="value" rows="4"></textarea>
        </p>
        <p>
          <label class="check"
            ><input type="checkbox" name="tombstone" /> Send a null value (tombstone)</label
          >
        </p>
        <p>
          <label for="produce-headers">Headers</label>
          <textarea
            id="produce-headers"
            name="headers"
            rows="2"
            aria-describedby="headers-help"
          ></textarea>
          <span id="headers-help" class="help">One <code>name: value</code> per line.</span>
        </p>
        <p><button type="submit">Produce message</button></p>
      </form>
    </section>`;
}
