// Client quotas: every quota entity (user, client id, both, ip, and the defaults) with its values
// (DescribeClientQuotas with an empty filter), a form that sets one value of one entity and a
// remove button per value (AlterClientQuotas). Names are Kafka's (`producer_byte_rate`, …).
import { KafkaError, type ClientQuotaEntity } from '../../client/index.js';
import { badRequest } from '../../http/index.js';
import {
  field,
  type ConsoleContext,
  type ConsoleRoute,
  type FormBody,
  type PageResult,
} from '../console-context.js';
import { html, query, type SafeHtml } from '../html.js';
import { page } from '../layout.js';

const ENTITY_TYPES = ['user', 'client-id', 'ip'] as const;
const QUOTA_KEYS = [
  'producer_byte_rate',
  'consumer_byte_rate',
  'request_percentage',
  'controller_mutation_rate',
  'connection_creation_rate',
] as const;
/** What the form sends for an entity type's default entity (Kafka's `<default>`). */
const DEFAULT = '<default>';

export function quotaRoutes(ctx: ConsoleContext): ConsoleRoute[] {
  const show = (body: SafeHtml, q: FormBody): PageResult => ({
    html: page({
      title: 'Client quotas',
      section: 'quotas',
      bootstrap: ctx.bootstrap,
      body,
      notice: field(q, 'notice') || undefined,
      error: field(q, 'error') || undefined,
    }),
  });
  return [
    {
      method: 'GET',
      url: '/quotas',
      handler: async ({ query: q }) => show(await quotaList(ctx), q),
    },
    {
      method: 'POST',
      url: '/quotas',
      handler: async ({ body }) => {
        const entity = entityOf(body);
        const key = field(body, 'key');
        if (!(QUOTA_KEYS as readonly string[]).includes(key)) {
          throw badRequest(`The quota is one of ${QUOTA_KEYS.join(', ')}.`);
        }
        const remove = field(body, 'op') === 'remove';
        const value = remove ? null : Number(field(body, 'value'));
        if (value !== null && (field(body, 'value').trim() === '' || !(value >= 0))) {
          throw badRequest('The value is a number, 0 or more.');
        }
        try {
          const [error] = await ctx.admin.alterClientQuotas([{ entity, ops: [{ key, value }] }]);
          if (error) throw error;
        } catch (err) {
          if (!(err instanceof KafkaError)) throw err;
          return { redirect: `/quotas${query({ error: `${err.name}: ${err.message}` })}` };
        }
        const what = `${key} of ${label(entity)}`;
        return {
          redirect: `/quotas${query({ notice: remove ? `${what} removed.` : `${what} set to ${value}.` })}`,
        };
      },
    },
  ];
}

/** The entity named by the form: each type's field empty (absent), a name, or `<default>`. */
function entityOf(body: FormBody): ClientQuotaEntity {
  const entity: ClientQuotaEntity = {};
  for (const type of ENTITY_TYPES) {
    const v = field(body, type).trim();
    if (v !== '') entity[type] = v === DEFAULT ? null : v;
  }
  if (Object.keys(entity).length === 0) throw badRequest('Name a user, a client id or an ip.');
  if ('ip' in entity && Object.keys(entity).length > 1) {
    throw badRequest('An ip quota stands alone, without user or client id.');
  }
  return entity;
}

function label(entity: ClientQuotaEntity): string {
  return ENTITY_TYPES.filter((t) => t in entity)
    .map((t) => `${t} ${entity[t] ?? DEFAULT}`)
    .join(', ');
}

async function quotaList(ctx: ConsoleContext): Promise<SafeHtml> {
  let rows: SafeHtml[] = [];
  let problem: string | null = null;
  try {
    const entries = await ctx.admin.describeClientQuotas({ components: [] });
    entries.sort((a, b) => label(a.entity).localeCompare(label(b.entity)));
    rows = entries.flatMap((e) =>
      Object.entries(e.values).map(
        ([key, value]) =>
          html`<tr>
            ${ENTITY_TYPES.map((t) => html`<td>${t in e.entity ? (e.entity[t] ?? DEFAULT) : ''}</td>`)}
            <td>${key}</td>
            <td>${value}</td>
            <td>
              <form method="post" action="/quotas" class="inline">
                ${ENTITY_TYPES.filter((t) => t in e.entity).map(
                  (t) =>
                    html`<input type="hidden" name="${t}" value="${e.entity[t] ?? DEFAULT}" />`,
                )}
                <input type="hidden" name="key" value="${key}" />
                <input type="hidden" name="op" value="remove" />
                <button
                  type="submit"
                  class="danger"
                  aria-label="Remove ${key} of ${label(e.entity)}"
                >
                  Remove
                </button>
              </form>
            </td>
          </tr>`,
      ),
    );
  } catch (err) {
    if (!(err instanceof KafkaError)) throw err;
    problem = `${err.name}: ${err.message}`;
  }
  const keyOptions = QUOTA_KEYS.map((k) => html`<option value="${k}">${k}</option>`);
  return html`${problem === null ? '' : html`<p class="message error" role="alert">${problem}</p>`}
    <p id="quota-count" role="status">${rows.length} quota value${rows.length === 1 ? '' : 's'}.</p>
    <table>
      <caption>
        Client quotas
      </caption>
      <thead>
        <tr>
          <th scope="col">User</th>
          <th scope="col">Client id</th>
          <th scope="col">IP</th>
          <th scope="col">Quota</th>
          <th scope="col">Value</th>
          <th scope="col">Actions</th>
        </tr>
      </thead>
      <tbody>
        ${rows}
      </tbody>
    </table>
    <h2>Set a quota</h2>
    <form method="post" action="/quotas" class="stacked">
      <p id="entity-help" class="help">
        Fill in a user, a client id, or both (or an ip alone); <code>${DEFAULT}</code> names the
        default entity of its type.
      </p>
      <p>
        <label for="q-user">User</label>
        <input id="q-user" name="user" aria-describedby="entity-help" />
      </p>
      <p>
        <label for="q-client">Client id</label>
        <input id="q-client" name="client-id" aria-describedby="entity-help" />
      </p>
      <p>
        <label for="q-ip">IP</label>
        <input id="q-ip" name="ip" aria-describedby="entity-help" />
      </p>
      <p>
        <label for="q-key">Quota</label>
        <select id="q-key" name="key">
          ${keyOptions}
        </select>
      </p>
      <p>
        <label for="q-value">Value</label>
        <input id="q-value" name="value" type="number" min="0" step="any" required />
      </p>
      <input type="hidden" name="op" value="set" />
      <p><button type="submit">Set quota</button></p>
    </form>`;
}
