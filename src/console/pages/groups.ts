// Consumer groups: the list (classic and KIP-848 groups with their state), a group's page
// (members and assignments, committed offsets, lag per partition with totals), resetting its
// offsets (only while it has no members, as kafka-consumer-groups requires) and deleting it.
import { KafkaError, type GroupDescription } from '../../client/index.js';
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
import { parseTime } from './messages.js';

export function groupRoutes(ctx: ConsoleContext): ConsoleRoute[] {
  const show = (title: string, body: SafeHtml, q: FormBody): PageResult => ({
    html: page({
      title,
      section: 'groups',
      bootstrap: ctx.bootstrap,
      body,
      notice: field(q, 'notice') || undefined,
      error: field(q, 'error') || undefined,
    }),
  });
  const back = (group: string, outcome: { notice?: string; error?: string }, to = '') => ({
    redirect: `/groups/${seg(group)}${to}${query(outcome)}`,
  });
  return [
    {
      method: 'GET',
      url: '/groups',
      handler: async ({ query: q }) => show('Consumer groups', await groupList(ctx), q),
    },
    {
      method: 'GET',
      url: '/groups/:group',
      handler: async ({ params, query: q }) =>
        show(`Consumer group ${params.group!}`, await groupPage(ctx, params.group!), q),
    },
    {
      method: 'POST',
      url: '/groups/:group/reset-offsets',
      handler: async ({ params, body }) => {
        const group = params.group!;
        try {
          const n = await resetOffsets(ctx, group, body);
          return back(group, { notice: `Offsets of ${n} partition${n === 1 ? '' : 's'} reset.` });
        } catch (err) {
          if (err instanceof KafkaError)
            return back(group, { error: `${err.name}: ${err.message}` });
          if (err instanceof Error && err.name === 'HttpError')
            return back(group, { error: err.message });
          throw err;
        }
      },
    },
    {
      method: 'GET',
      url: '/groups/:group/delete',
      handler: ({ params, query: q }) =>
        show(`Delete consumer group ${params.group!}`, deleteForm(params.group!), q),
    },
    {
      method: 'POST',
      url: '/groups/:group/delete',
      handler: async ({ params, body }) => {
        const group = params.group!;
        if (field(body, 'confirm') !== group)
          return back(
            group,
            { error: 'The name typed does not match; the group was not deleted.' },
            '/delete',
          );
        const [r] = await ctx.admin.deleteGroups([group]);
        if (r !== undefined && r.errorCode !== 0) {
          const e = new KafkaError(r.errorCode);
          return back(group, { error: `${e.name}: ${e.message}` }, '/delete');
        }
        return { redirect: `/groups${query({ notice: `Consumer group ${group} deleted.` })}` };
      },
    },
  ];
}

async function groupList(ctx: ConsoleContext): Promise<SafeHtml> {
  const groups = await ctx.admin.listGroups();
  return html` <p role="status" id="group-count">
      ${groups.length} group${groups.length === 1 ? '' : 's'}.
    </p>
    <table>
      <caption>
        Consumer groups
      </caption>
      <thead>
        <tr>
          <th scope="col">Group</th>
          <th scope="col">Type</th>
          <th scope="col">Protocol type</th>
          <th scope="col">State</th>
        </tr>
      </thead>
      <tbody>
        ${groups.map(
          (g) =>
            html`<tr>
              <th scope="row"><a href="/groups/${seg(g.groupId)}">${g.groupId}</a></th>
              <td>${g.type || 'classic'}</td>
              <td>${g.protocolType || '–'}</td>
              <td>${g.state}</td>
            </tr>`,
        )}
      </tbody>
    </table>`;
}

export interface LagRow {
  topic: string;
  partition: number;
  /** -1: nothing committed. */
  committed: bigint;
  logEnd: bigint;
  /** null when nothing is committed. */
  lag: bigint | null;
  owner: string | null;
}

/** Committed offsets and lag of every partition the group has offsets for or is assigned. */
export async function groupLag(ctx: ConsoleContext, group: GroupDescription): Promise<LagRow[]> {
  const committed = await ctx.admin.fetchOffsets(group.groupId);
  const owners = new Map<string, string>();
  for (const m of group.members)
    for (const tp of m.assignment)
      owners.set(`${tp.topic}:${tp.partition}`, m.clientId || m.memberId);
  const keys = new Map<string, { topic: string; partition: number; committed: bigint }>();
  for (const c of committed) keys.set(`${c.topic}:${c.partition}`, { ...c, committed: c.offset });
  for (const m of group.members)
    for (const tp of m.assignment) {
      const k = `${tp.topic}:${tp.partition}`;
      if (!keys.has(k)) keys.set(k, { ...tp, committed: -1n });
    }
  const list = [...keys.values()].sort((a, b) =>
    a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1,
  );
  const ends = await offsetsOf(ctx, list, 'latest');
  return list.map((p, i) => {
    const logEnd = ends[i]!;
    return {
      topic: p.topic,
      partition: p.partition,
      committed: p.committed,
      logEnd,
      lag: p.committed < 0n ? null : logEnd - p.committed > 0n ? logEnd - p.committed : 0n,
      owner: owners.get(`${p.topic}:${p.partition}`) ?? null,
    };
  });
}

async function groupPage(ctx: ConsoleContext, groupId: string): Promise<SafeHtml> {
  const [group] = await ctx.admin.describeGroups([groupId]);
  if (group === undefined || group.state === 'Dead')
    throw new KafkaError(69, `Consumer group '${groupId}' does not exist.`);
  const rows = await groupLag(ctx, group);
  const total = rows.reduce((s, r) => s + (r.lag ?? 0n), 0n);
  const topics = [...new Set(rows.map((r) => r.topic))];
  const byTopic = topics.map((t) => ({
    topic: t,
    lag: rows.filter((r) => r.topic === t).reduce((s, r) => s + (r.lag ?? 0n), 0n),
  }));
  const empty = group.members.length === 0;
  return html` <dl class="facts">
      <dt>Type</dt>
      <dd>${group.type === 'consumer' ? 'consumer (KIP-848)' : 'classic'}</dd>
      <dt>State</dt>
      <dd id="group-state">${group.state}</dd>
      <dt>Protocol</dt>
      <dd>${group.protocol || '–'}</dd>
      ${
        group.groupEpoch === undefined
          ? ''
          : html`<dt>Group epoch</dt>
              <dd>${group.groupEpoch}</dd>`
      }
      <dt>Members</dt>
      <dd>${group.members.length}</dd>
      <dt>Total lag</dt>
      <dd id="total-lag">${total}</dd>
    </dl>
    <section aria-labelledby="lag-heading">
      <h2 id="lag-heading">Offsets and lag</h2>
      <table>
        <caption>
          Committed offsets and lag per partition
        </caption>
        <thead>
          <tr>
            <th scope="col">Topic</th>
            <th scope="col">Partition</th>
            <th scope="col">Committed offset</th>
            <th scope="col">Log end offset</th>
            <th scope="col">Lag</th>
            <th scope="col">Owner</th>
          </tr>
        </thead>
        <tbody>
          ${rows.map(
            (r) =>
              html`<tr>
                <th scope="row"><a href="/topics/${seg(r.topic)}">${r.topic}</a></th>
                <td>${r.partition}</td>
                <td>${r.committed < 0n ? '–' : r.committed}</td>
                <td>${r.logEnd}</td>
                <td>${r.lag ?? '–'}</td>
                <td>${r.owner ?? '–'}</td>
              </tr>`,
          )}
        </tbody>
        <tfoot>
          ${byTopic.map(
            (t) =>
              html`<tr>
                <th scope="row" colspan="4">Lag of ${t.topic}</th>
                <td>${t.lag}</td>
                <td></td>
              </tr>`,
          )}
          <tr>
            <th scope="row" colspan="4">Total lag</th>
            <td>${total}</td>
            <td></td>
          </tr>
        </tfoot>
      </table>
    </section>
    <section aria-labelledby="members-heading">
      <h2 id="members-heading">Members</h2>
      ${
        empty
          ? html`<p>The group has no active members.</p>`
          : html`<table>
              <caption>
                Members and their assignments
              </caption>
              <thead>
                <tr>
                  <th scope="col">Member id</th>
                  <th scope="col">Client id</th>
                  <th scope="col">Host</th>
                  <th scope="col">Assignment</th>
                </tr>
              </thead>
              <tbody>
                ${group.members.map(
                  (m) =>
                    html`<tr>
                      <th scope="row">
                        <code>${m.memberId}</code
                        >${m.groupInstanceId === null ? '' : html` (instance ${m.groupInstanceId})`}
                      </th>
                      <td>${m.clientId}</td>
                      <td>${m.clientHost}</td>
                      <td>
                        ${m.assignment.length === 0 ? '–' : m.assignment.map((a) => `${a.topic}-${a.partition}`).join(', ')}
                      </td>
                    </tr>`,
                )}
              </tbody>
            </table>`
      }
    </section>
    <section aria-labelledby="reset-heading">
      <h2 id="reset-heading">Reset offsets</h2>
      ${empty ? resetForm(groupId, topics) : html`<p>Offsets can only be reset while the group has no active members (it is ${group.state}); stop its consumers first.</p>`}
    </section>
    <section aria-labelledby="delete-group-heading">
      <h2 id="delete-group-heading">Delete</h2>
      <p>
        <a class="button danger" href="/groups/${seg(groupId)}/delete">Delete consumer group</a>
      </p>
    </section>`;
}

function resetForm(groupId: string, topics: string[]): SafeHtml {
  return html`<form method="post" action="/groups/${seg(groupId)}/reset-offsets" class="stacked">
    <p>
      <label for="reset-topic">Topic</label>
      <select id="reset-topic" name="topic">
        <option value="">All topics of the group</option>
        ${topics.map((t) => html`<option value="${t}">${t}</option>`)}
      </select>
    </p>
    <fieldset>
      <legend>Move the committed offsets to</legend>
      <label class="check"
        ><input type="radio" name="to" value="earliest" checked /> the earliest offset</label
      >
      <label class="check"><input type="radio" name="to" value="latest" /> the latest offset</label>
      <label class="check"><input type="radio" name="to" value="offset" /> a given offset</label>
      <label class="check"
        ><input type="radio" name="to" value="timestamp" /> the first offset at or after a
        time</label
      >
    </fieldset>
    <p>
      <label for="reset-offset">Offset</label>
      <input id="reset-offset" name="offset" inputmode="numeric" />
    </p>
    <p>
      <label for="reset-timestamp">Time (UTC)</label>
      <input id="reset-timestamp" name="timestamp" type="datetime-local" step="1" />
    </p>
    <p><button type="submit">Reset offsets</button></p>
  </form>`;
}

/** Commits new offsets for the group's partitions; returns how many were moved. */
async function resetOffsets(ctx: ConsoleContext, groupId: string, body: FormBody): Promise<number> {
  const [group] = await ctx.admin.describeGroups([groupId]);
  if (group === undefined) throw badRequest(`Consumer group '${groupId}' does not exist.`);
  if (group.members.length > 0)
    throw badRequest(
      `Assignments can only be reset if the group '${groupId}' is inactive, but the current state is ${group.state}.`,
    );
  const topic = field(body, 'topic');
  const to = field(body, 'to');
  const partitions = (await ctx.admin.fetchOffsets(groupId))
    .filter((c) => topic === '' || c.topic === topic)
    .map((c) => ({ topic: c.topic, partition: c.partition }));
  if (partitions.length === 0) throw badRequest('The group has no committed offsets to reset.');
  const [earliest, latest] = await Promise.all([
    offsetsOf(ctx, partitions, 'earliest'),
    offsetsOf(ctx, partitions, 'latest'),
  ]);
  let targets: bigint[];
  if (to === 'earliest') targets = earliest;
  else if (to === 'latest') targets = latest;
  else if (to === 'offset') {
    const text = field(body, 'offset').trim();
    if (!/^[0-9]+$/.test(text)) throw badRequest('Give the offset to reset to.');
    // As kafka-consumer-groups does, an offset outside the log is moved to its nearest end.
    targets = partitions.map((_, i) => {
      const want = BigInt(text);
      const low = earliest[i]!;
      const high = latest[i]!;
      return want < low ? low : want > high ? high : want;
    });
  } else if (to === 'timestamp') {
    const ms = parseTime(field(body, 'timestamp'));
    if (ms === undefined)
      throw badRequest('Give the time to reset to, e.g. 2026-01-31T12:00 (UTC).');
    const found = await offsetsOf(ctx, partitions, ms);
    targets = found.map((o, i) => (o < 0n ? latest[i]! : o));
  } else throw badRequest(`'to' must be earliest, latest, offset or timestamp.`);
  await ctx.admin.alterOffsets(
    groupId,
    partitions.map((p, i) => ({ ...p, offset: targets[i]! })),
  );
  return partitions.length;
}

function deleteForm(group: string): SafeHtml {
  return html` <p>
      Deleting <strong>${group}</strong> removes its committed offsets. Kafka refuses while the
      group has members.
    </p>
    <form method="post" action="/groups/${seg(group)}/delete" class="stacked">
      <p>
        <label for="confirm">Type the group id to confirm</label>
        <input id="confirm" name="confirm" required autocomplete="off" />
      </p>
      <p>
        <button type="submit" class="danger">Delete consumer group</button>
        <a href="/groups/${seg(group)}">Cancel</a>
      </p>
    </form>`;
}
