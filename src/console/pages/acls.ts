// ACLs: the list (filtered on the server by DescribeAcls: resource type, name, pattern type,
// principal, operation, permission), a form that creates one ACL (CreateAcls) and a delete
// button per ACL that deletes exactly that binding (DeleteAcls with a literal filter). A broker
// without an authorizer answers SECURITY_DISABLED, shown as the page's error.
import {
  ACL_OPERATIONS,
  ACL_PATTERN_TYPES,
  ACL_PERMISSION_TYPES,
  ACL_RESOURCE_TYPES,
  KafkaError,
  type AclBinding,
  type AclBindingFilter,
} from '../../client/index.js';
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

// UNKNOWN is never a choice; ANY and MATCH only in filters.
const RESOURCE_TYPES = ACL_RESOURCE_TYPES.filter((t) => t !== 'UNKNOWN' && t !== 'ANY');
const PATTERN_TYPES = ['LITERAL', 'PREFIXED'] as const;
const OPERATIONS = ACL_OPERATIONS.filter((o) => o !== 'UNKNOWN' && o !== 'ANY');
const PERMISSIONS = ['ALLOW', 'DENY'] as const;

export function aclRoutes(ctx: ConsoleContext): ConsoleRoute[] {
  const show = (body: SafeHtml, q: FormBody, status?: number): PageResult => ({
    ...(status === undefined ? {} : { status }),
    html: page({
      title: 'ACLs',
      section: 'acls',
      bootstrap: ctx.bootstrap,
      body,
      notice: field(q, 'notice') || undefined,
      error: field(q, 'error') || undefined,
    }),
  });
  return [
    {
      method: 'GET',
      url: '/acls',
      handler: async ({ query: q }) => show(await aclList(ctx, q), q),
    },
    {
      method: 'POST',
      url: '/acls',
      handler: async ({ body }) => {
        const binding = bindingOf(body);
        const [error] = await ctx.admin.createAcls([binding]);
        return {
          redirect: `/acls${query(error ? failed(error) : { notice: `ACL created: ${describe(binding)}.` })}`,
        };
      },
    },
    {
      method: 'POST',
      url: '/acls/delete',
      handler: async ({ body }) => {
        const binding = bindingOf(body);
        const [result] = await ctx.admin.deleteAcls([binding]);
        if (result?.error) return { redirect: `/acls${query(failed(result.error))}` };
        const n = result?.deleted.length ?? 0;
        return { redirect: `/acls${query({ notice: `${n} ACL${n === 1 ? '' : 's'} deleted.` })}` };
      },
    },
  ];
}

const failed = (err: KafkaError) => ({ error: `${err.name}: ${err.message}` });

function describe(b: AclBinding): string {
  return `${b.permissionType} ${b.principal} ${b.operation} on ${b.resourceType} ${b.resourceName} (${b.patternType}) from ${b.host}`;
}

/** One ACL from a form; every field is checked against Kafka's names. */
function bindingOf(body: FormBody): AclBinding {
  const pick = <T extends string>(name: string, choices: readonly T[]): T => {
    const value = field(body, name).toUpperCase();
    if (!(choices as readonly string[]).includes(value)) {
      throw badRequest(`${name} must be one of ${choices.join(', ')}.`);
    }
    return value as T;
  };
  const resourceType = pick('resourceType', RESOURCE_TYPES);
  const principal = field(body, 'principal').trim();
  if (!/^[^:]+:.+$/.test(principal))
    throw badRequest('The principal is TYPE:NAME, e.g. User:alice.');
  const resourceName =
    resourceType === 'CLUSTER' ? 'kafka-cluster' : field(body, 'resourceName').trim();
  if (resourceName === '') throw badRequest('A resource name is required.');
  return {
    resourceType,
    resourceName,
    patternType: pick('patternType', PATTERN_TYPES),
    principal,
    host: field(body, 'host').trim() || '*',
    operation: pick('operation', OPERATIONS),
    permissionType: pick('permissionType', PERMISSIONS),
  };
}

/** The list filter from the query string; empty fields match anything. */
function filterOf(q: FormBody): AclBindingFilter {
  const choice = <T extends string>(name: string, choices: readonly T[], any: T): T => {
    const v = field(q, name).toUpperCase();
    return (choices as readonly string[]).includes(v) ? (v as T) : any;
  };
  return {
    resourceType: choice('resourceType', ACL_RESOURCE_TYPES, 'ANY'),
    resourceName: field(q, 'resourceName').trim() || null,
    patternType: choice('patternType', ACL_PATTERN_TYPES, 'ANY'),
    principal: field(q, 'principal').trim() || null,
    host: null,
    operation: choice('operation', ACL_OPERATIONS, 'ANY'),
    permissionType: choice('permissionType', ACL_PERMISSION_TYPES, 'ANY'),
  };
}

function select(
  id: string,
  label: string,
  choices: readonly string[],
  chosen: string,
  any?: string,
) {
  const options = [
    ...(any === undefined ? [] : [html`<option value="">${any}</option>`]),
    ...choices.map(
      (c) => html`<option value="${c}" ${c === chosen ? html` selected` : ''}>${c}</option>`,
    ),
  ];
  return html`<label for="${id}">${label}</label>
    <select id="${id}" name="${id.replace(/^(new|f)-/, '')}">
      ${options}
    </select>`;
}

async function aclList(ctx: ConsoleContext, q: FormBody): Promise<SafeHtml> {
  const filter = filterOf(q);
  let acls: AclBinding[] = [];
  let problem: string | null = null;
  try {
    acls = await ctx.admin.describeAcls(filter);
  } catch (err) {
    if (!(err instanceof KafkaError)) throw err;
    problem = `${err.name}: ${err.message}`;
  }
  const rows = acls.map(
    (a) =>
      html`<tr>
        <td>${a.principal}</td>
        <td>${a.permissionType}</td>
        <td>${a.operation}</td>
        <td>${a.resourceType}</td>
        <td>${a.resourceName}</td>
        <td>${a.patternType}</td>
        <td>${a.host}</td>
        <td>
          <form method="post" action="/acls/delete" class="inline">
            ${Object.entries(a).map(
              ([k, v]) => html`<input type="hidden" name="${k}" value="${String(v)}" />`,
            )}
            <button type="submit" class="danger" aria-label="Delete ${describe(a)}">Delete</button>
          </form>
        </td>
      </tr>`,
  );
  const f = (name: string) => field(q, name);
  return html`${problem === null ? '' : html`<p class="message error" role="alert">${problem}</p>`}
    <form role="search" method="get" action="/acls" class="inline">
      ${select('f-resourceType', 'Resource type', RESOURCE_TYPES, f('resourceType').toUpperCase(), 'any')}
      <label for="f-resourceName">Resource name</label>
      <input id="f-resourceName" name="resourceName" value="${f('resourceName')}" />
      ${select('f-patternType', 'Pattern', ['MATCH', ...PATTERN_TYPES], f('patternType').toUpperCase(), 'any')}
      <label for="f-principal">Principal</label>
      <input id="f-principal" name="principal" value="${f('principal')}" />
      ${select('f-operation', 'Operation', OPERATIONS, f('operation').toUpperCase(), 'any')}
      ${select('f-permissionType', 'Permission', PERMISSIONS, f('permissionType').toUpperCase(), 'any')}
      <button type="submit">Filter</button>
    </form>
    <p id="acl-count" role="status">${acls.length} ACL${acls.length === 1 ? '' : 's'}.</p>
    <table>
      <caption>
        ACLs
      </caption>
      <thead>
        <tr>
          <th scope="col">Principal</th>
          <th scope="col">Permission</th>
          <th scope="col">Operation</th>
          <th scope="col">Resource type</th>
          <th scope="col">Resource name</th>
          <th scope="col">Pattern</th>
          <th scope="col">Host</th>
          <th scope="col">Actions</th>
        </tr>
      </thead>
      <tbody>
        ${rows}
      </tbody>
    </table>
    <h2>Create an ACL</h2>
    <form method="post" action="/acls" class="stacked">
      <p>
        <label for="new-principal">Principal</label>
        <input id="new-principal" name="principal" required placeholder="User:alice" />
      </p>
      <p>${select('new-permissionType', 'Permission', PERMISSIONS, 'ALLOW')}</p>
      <p>${select('new-operation', 'Operation', OPERATIONS, 'READ')}</p>
      <p>${select('new-resourceType', 'Resource type', RESOURCE_TYPES, 'TOPIC')}</p>
      <p>
        <label for="new-resourceName">Resource name</label>
        <input id="new-resourceName" name="resourceName" aria-describedby="rn-help" />
        <span id="rn-help" class="help"
          >A name, a prefix, or <code>*</code>; ignored for CLUSTER.</span
        >
      </p>
      <p>${select('new-patternType', 'Pattern', PATTERN_TYPES, 'LITERAL')}</p>
      <p>
        <label for="new-host">Host</label>
        <input id="new-host" name="host" value="*" />
      </p>
      <p><button type="submit">Create ACL</button></p>
    </form>`;
}
