// Topics: the list (server-side search and paging), creating a topic with configs, a topic's
// page (partitions with leader, replicas, ISR, offsets and sizes; configs with their sources),
// changing its configs (IncrementalAlterConfigs) and deleting it after a typed confirmation.
import { KafkaError, type TopicMetadata } from '../../client/index.js';
import { badRequest } from '../../http/index.js';
import {
  field,
  type ConsoleContext,
  type FormBody,
  type PageResult,
  offsetsOf,
} from '../console-context.js';
import type { ConsoleRoute } from '../console-context.js';
import { html, query, seg, type SafeHtml } from '../html.js';
import { page } from '../layout.js';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;

export function topicRoutes(ctx: ConsoleContext): ConsoleRoute[] {
  const show = (title: string, body: SafeHtml, q: FormBody, status?: number): PageResult => ({
    ...(status === undefined ? {} : { status }),
    html: page({
      title,
      section: 'topics',
      bootstrap: ctx.bootstrap,
      body,
      notice: field(q, 'notice') || undefined,
      error: field(q, 'error') || undefined,
    }),
  });
  return [
    {
      method: 'GET',
      url: '/topics',
      handler: async ({ query: q }) => show('Topics', await topicList(ctx, q), q),
    },
    {
      method: 'GET',
      url: '/topics/new',
      handler: ({ query: q }) => show('Create a topic', createForm({}), q),
    },
    {
      method: 'POST',
      url: '/topics',
      handler: async ({ body }) => {
        const problem = await createTopic(ctx, body);
        if (problem === null) {
          const name = field(body, 'name');
          return { redirect: `/topics/${seg(name)}${query({ notice: `Topic ${name} created.` })}` };
        }
        return show('Create a topic', createForm(body), { error: problem }, 400);
      },
    },
    {
      method: 'GET',
      url: '/topics/:topic',
      handler: async ({ params, query: q }) =>
        show(`Topic ${params.topic!}`, await topicPage(ctx, params.topic!), q),
    },
    {
      method: 'POST',
      url: '/topics/:topic/configs',
      handler: async ({ params, body }) => {
        const topic = params.topic!;
        const outcome = await alterTopicConfig(ctx, topic, body);
        return { redirect: `/topics/${seg(topic)}${query(outcome)}#configs-heading` };
      },
    },
    {
      method: 'GET',
      url: '/topics/:topic/delete',
      handler: ({ params, query: q }) =>
        show(`Delete topic ${params.topic!}`, deleteForm(params.topic!), q),
    },
    {
      method: 'POST',
      url: '/topics/:topic/delete',
      handler: async ({ params, body }) => {
        const topic = params.topic!;
        if (field(body, 'confirm') !== topic) {
          const error = 'The name typed does not match; the topic was not deleted.';
          return { redirect: `/topics/${seg(topic)}/delete${query({ error })}` };
        }
        const [r] = await ctx.admin.deleteTopics([topic]);
        if (r !== undefined && r.errorCode !== 0) {
          const e = new KafkaError(r.errorCode, r.errorMessage);
          return {
            redirect: `/topics/${seg(topic)}/delete${query({ error: `${e.name}: ${e.message}` })}`,
          };
        }
        return { redirect: `/topics${query({ notice: `Topic ${topic} deleted.` })}` };
      },
    },
  ];
}

export interface TopicListing {
  total: number;
  page: number;
  pages: number;
  size: number;
  topics: TopicMetadata[];
}

/** One page of the topics whose name contains `q` (case-insensitive), sorted by name. */
export async function listTopicsPage(
  ctx: ConsoleContext,
  options: { q?: string; page?: number; size?: number; internal?: boolean },
): Promise<TopicListing> {
  const all = await ctx.admin.cluster.retry(() => ctx.admin.cluster.listTopics());
  const needle = (options.q ?? '').toLowerCase();
  const matching = all
    .filter(
      (t) => (options.internal === true || !t.isInternal) && t.name.toLowerCase().includes(needle),
    )
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const size = Math.min(Math.max(1, options.size ?? DEFAULT_PAGE_SIZE), MAX_PAGE_SIZE);
  const pages = Math.max(1, Math.ceil(matching.length / size));
  const current = Math.min(Math.max(1, options.page ?? 1), pages);
  return {
    total: matching.length,
    page: current,
    pages,
    size,
    topics: matching.slice((current - 1) * size, current * size),
  };
}

function positiveInt(text: string): number | undefined {
  return /^[0-9]+$/.test(text) ? Number(text) : undefined;
}

async function topicList(ctx: ConsoleContext, q: FormBody): Promise<SafeHtml> {
  const search = field(q, 'q');
  const internal = field(q, 'internal') === 'on';
  const listing = await listTopicsPage(ctx, {
    q: search,
    page: positiveInt(field(q, 'page')),
    size: positiveInt(field(q, 'size')),
    internal,
  });
  const link = (p: number) =>
    `/topics${query({ q: search, internal: internal ? 'on' : undefined, size: listing.size === DEFAULT_PAGE_SIZE ? undefined : listing.size, page: p })}`;
  const rows = listing.topics.map((t) => {
    const under = t.partitions.filter(
      (p) => p.leaderId >= 0 && p.isr.length < p.replicas.length,
    ).length;
    const offline = t.partitions.filter((p) => p.leaderId < 0).length;
    return html`<tr>
      <th scope="row">
        <a href="/topics/${seg(t.name)}">${t.name}</a
        >${t.isInternal ? html` <span class="tag">internal</span>` : ''}
      </th>
      <td>${t.partitions.length}</td>
      <td>${t.partitions[0]?.replicas.length ?? 0}</td>
      <td>${under}</td>
      <td>${offline}</td>
    </tr>`;
  });
  return html` <p><a class="button" href="/topics/new">Create a topic</a></p>
    <form role="search" method="get" action="/topics" class="inline">
      <label for="q">Search topics</label>
      <input id="q" name="q" type="search" value="${search}" />
      <label class="check"
        ><input type="checkbox" name="internal" ${internal ? html` checked` : ''} /> Include
        internal topics</label
      >
      <button type="submit">Search</button>
    </form>
    <p id="topic-count" role="status">
      ${listing.total}
      topic${listing.total === 1 ? '' : 's'}${search === '' ? '' : html` matching “${search}”`};
      page ${listing.page} of ${listing.pages}.
    </p>
    <table>
      <caption>
        Topics, page ${listing.page} of ${listing.pages}
      </caption>
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Partitions</th>
          <th scope="col">Replication factor</th>
          <th scope="col">Under-replicated</th>
          <th scope="col">Offline</th>
        </tr>
      </thead>
      <tbody>
        ${rows}
      </tbody>
    </table>
    <nav aria-label="Pagination" class="pager">
      <ul>
        ${listing.page > 1 ? html`<li><a href="${link(listing.page - 1)}" rel="prev">Previous page</a></li>` : ''}
        ${listing.page < listing.pages ? html`<li><a href="${link(listing.page + 1)}" rel="next">Next page</a></li>` : ''}
      </ul>
    </nav>`;
}

function createForm(values: FormBody): SafeHtml {
  return html` <form method="post" action="/topics" class="stacked">
    <p>
      <label for="name">Name</label>
      <input
        id="name"
        name="name"
        required
        pattern="[a-zA-Z0-9._\\-]+"
        maxlength="249"
        value="${field(values, 'name')}"
        aria-describedby="name-help"
      />
      <span id="name-help" class="help"
        >Letters, digits, '.', '_' and '-'; at most 249 characters.</span
      >
    </p>
    <p>
      <label for="partitions">Partitions</label>
      <input
        id="partitions"
        name="partitions"
        type="number"
        min="1"
        value="${field(values, 'partitions')}"
        aria-describedby="partitions-help"
      />
      <span id="partitions-help" class="help">Empty: the broker's num.partitions.</span>
    </p>
    <p>
      <label for="replicationFactor">Replication factor</label>
      <input
        id="replicationFactor"
        name="replicationFactor"
        type="number"
        min="1"
        value="${field(values, 'replicationFactor')}"
        aria-describedby="rf-help"
      />
      <span id="rf-help" class="help">Empty: the broker's default.replication.factor.</span>
    </p>
    <p>
      <label for="configs">Configs</label>
      <textarea id="configs" name="configs" rows="4" aria-describedby="configs-help">
${field(values, 'configs')}</textarea>
      <span id="configs-help" class="help"
        >One <code>name=value</code> per line, e.g. <code>cleanup.policy=compact</code>.</span
      >
    </p>
    <p><button type="submit">Create topic</button></p>
  </form>`;
}

/** Parses `name=value` lines; returns the configs or a problem. */
export function parseConfigLines(text: string): Record<string, string> | string {
  const configs: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const eq = trimmed.indexOf('=');
    if (eq <= 0) return `Config line “${trimmed}” is not name=value.`;
    configs[trimmed.slice(0, eq).trim()] = trimmed.slice(eq + 1).trim();
  }
  return configs;
}

/** Creates the topic of the form; null when created, else what went wrong. */
async function createTopic(ctx: ConsoleContext, body: FormBody): Promise<string | null> {
  const name = field(body, 'name').trim();
  if (name === '') return 'A topic needs a name.';
  const count = (label: string, text: string): number | string => {
    if (text.trim() === '') return -1;
    const n = positiveInt(text.trim());
    return n === undefined || n < 1 ? `${label} must be a positive whole number.` : n;
  };
  const partitions = count('Partitions', field(body, 'partitions'));
  if (typeof partitions === 'string') return partitions;
  const replicationFactor = count('Replication factor', field(body, 'replicationFactor'));
  if (typeof replicationFactor === 'string') return replicationFactor;
  const configs = parseConfigLines(field(body, 'configs'));
  if (typeof configs === 'string') return configs;
  const [r] = await ctx.admin.createTopics([
    { name, numPartitions: partitions, replicationFactor, configs },
  ]);
  if (r === undefined || r.errorCode === 0) return null;
  const e = new KafkaError(r.errorCode, r.errorMessage);
  return `${e.name}: ${e.message}`;
}

async function alterTopicConfig(
  ctx: ConsoleContext,
  topic: string,
  body: FormBody,
): Promise<{ notice?: string; error?: string }> {
  const name = field(body, 'name').trim();
  const op = field(body, 'op');
  if (name === '') return { error: 'Name the config to change.' };
  try {
    if (op === 'delete') {
      await ctx.admin.alterConfigs({ type: 'topic', name: topic }, [{ op: 'delete', name }]);
      return { notice: `${name} reset to its default.` };
    }
    if (op !== 'set') throw badRequest(`Unknown operation '${op}'.`);
    const value = field(body, 'value');
    await ctx.admin.alterConfigs({ type: 'topic', name: topic }, [{ op: 'set', name, value }]);
    return { notice: `${name} set to ${value}.` };
  } catch (err) {
    if (err instanceof KafkaError) return { error: `${err.name}: ${err.message}` };
    throw err;
  }
}

function deleteForm(topic: string): SafeHtml {
  return html` <p>
      Deleting <strong>${topic}</strong> removes all its records; this cannot be undone.
    </p>
    <form method="post" action="/topics/${seg(topic)}/delete" class="stacked">
      <p>
        <label for="confirm">Type the topic name to confirm</label>
        <input id="confirm" name="confirm" required autocomplete="off" />
      </p>
      <p>
        <button type="submit" class="danger">Delete topic</button>
        <a href="/topics/${seg(topic)}">Cancel</a>
      </p>
    </form>`;
}

export interface PartitionRow {
  partition: number;
  leader: number;
  replicas: number[];
  isr: number[];
  offline: number[];
  earliest: bigint;
  latest: bigint;
  sizeBytes: bigint | null;
}

/** Partitions of a topic with offsets (ListOffsets) and sizes (DescribeLogDirs). */
export async function partitionRows(ctx: ConsoleContext, topic: string): Promise<PartitionRow[]> {
  const [meta] = await ctx.admin.describeTopics([topic]);
  const tps = meta!.partitions.map((p) => ({ topic, partition: p.partition }));
  const [earliest, latest, sizes] = await Promise.all([
    offsetsOf(ctx, tps, 'earliest'),
    offsetsOf(ctx, tps, 'latest'),
    logSizes(ctx, meta!),
  ]);
  return meta!.partitions
    .map((p, i) => ({
      partition: p.partition,
      leader: p.leaderId,
      replicas: p.replicas,
      isr: p.isr,
      offline: p.offlineReplicas,
      earliest: earliest[i]!,
      latest: latest[i]!,
      sizeBytes: sizes.get(p.partition) ?? null,
    }))
    .sort((a, b) => a.partition - b.partition);
}

/** The largest replica's size of each partition; a broker that cannot say is left out. */
async function logSizes(ctx: ConsoleContext, meta: TopicMetadata): Promise<Map<number, bigint>> {
  const sizes = new Map<number, bigint>();
  const replicas = meta.partitions.flatMap((p) =>
    p.replicas.map((brokerId) => ({ topic: meta.name, partition: p.partition, brokerId })),
  );
  try {
    for (const r of await ctx.admin.describeReplicaLogDirs(replicas)) {
      if (r.sizeBytes < 0n) continue;
      const seen = sizes.get(r.partition);
      if (seen === undefined || r.sizeBytes > seen) sizes.set(r.partition, r.sizeBytes);
    }
  } catch (err) {
    // Sizes are a detail of the page; a cluster that denies DescribeLogDirs still shows the rest.
    if (!(err instanceof KafkaError)) throw err;
  }
  return sizes;
}

export function formatBytes(bytes: bigint | null): string {
  if (bytes === null) return 'unknown';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let n = Number(bytes);
  let u = 0;
  while (n >= 1024 && u < units.length - 1) {
    n /= 1024;
    u++;
  }
  return u === 0 ? `${n} B` : `${n.toFixed(1)} ${units[u]}`;
}

async function topicPage(ctx: ConsoleContext, topic: string): Promise<SafeHtml> {
  const [rows, configs] = await Promise.all([
    partitionRows(ctx, topic),
    ctx.admin.describeConfigs({ type: 'topic', name: topic }),
  ]);
  const list = (ids: number[]) => (ids.length === 0 ? '–' : ids.join(', '));
  const total = rows.reduce((s, r) => s + (r.latest - r.earliest), 0n);
  return html` <ul class="actions">
      <li><a class="button" href="/topics/${seg(topic)}/messages">Browse messages</a></li>
      <li>
        <a class="button" href="/topics/${seg(topic)}/messages#produce-heading"
          >Produce a message</a
        >
      </li>
      <li><a class="button danger" href="/topics/${seg(topic)}/delete">Delete topic</a></li>
    </ul>
    <section aria-labelledby="partitions-heading">
      <h2 id="partitions-heading">Partitions</h2>
      <p>${rows.length} partitions, ${total} messages between the earliest and latest offsets.</p>
      <table>
        <caption>
          Partitions of ${topic}
        </caption>
        <thead>
          <tr>
            <th scope="col">Partition</th>
            <th scope="col">Leader</th>
            <th scope="col">Replicas</th>
            <th scope="col">In-sync replicas</th>
            <th scope="col">Offline replicas</th>
            <th scope="col">Earliest offset</th>
            <th scope="col">Latest offset</th>
            <th scope="col">Messages</th>
            <th scope="col">Size</th>
          </tr>
        </thead>
        <tbody>
          ${rows.map(
            (r) =>
              html`<tr${r.leader < 0 ? html` class="offline"` : ''}><th scope="row"><a href="/topics/${seg(topic)}/messages?partition=${r.partition}">${r.partition}</a></th><td>${r.leader < 0 ? 'none (offline)' : r.leader}</td><td>${list(r.replicas)}</td><td>${list(r.isr)}</td><td>${list(r.offline)}</td><td>${r.earliest}</td><td>${r.latest}</td><td>${r.latest - r.earliest}</td><td>${formatBytes(r.sizeBytes)}</td></tr>`,
          )}
        </tbody>
      </table>
    </section>
    <section aria-labelledby="configs-heading">
      <h2 id="configs-heading">Configs</h2>
      <form
        method="post"
        action="/topics/${seg(topic)}/configs"
        class="inline"
        aria-labelledby="edit-config-heading"
      >
        <h3 id="edit-config-heading">Change a config</h3>
        <label for="config-name">Config</label>
        <input id="config-name" name="name" list="config-names" required />
        <datalist id="config-names">
          ${configs.map((c) => html`<option value="${c.name}"></option>`)}
        </datalist>
        <label for="config-value">Value</label>
        <input id="config-value" name="value" />
        <button type="submit" name="op" value="set">Set</button>
        <button type="submit" name="op" value="delete">Reset to default</button>
      </form>
      <table>
        <caption>
          Configs of ${topic} with their sources
        </caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Value</th>
            <th scope="col">Source</th>
            <th scope="col">Read-only</th>
          </tr>
        </thead>
        <tbody>
          ${configs
            .sort((a, b) => a.name.localeCompare(b.name))
            .map(
              (c) =>
                html`<tr${c.source === 'DYNAMIC_TOPIC_CONFIG' ? html` class="overridden"` : ''}><th scope="row"><code>${c.name}</code></th><td>${c.isSensitive ? '(sensitive)' : (c.value ?? 'null')}</td><td>${c.source}</td><td>${c.readOnly ? 'yes' : 'no'}</td></tr>`,
            )}
        </tbody>
      </table>
    </section>`;
}
