// `rivulet acls`: kafka-acls.sh — add, list and remove ACLs with Kafka's flags and output.
// --add makes one ACL per principal × host × operation × resource; --producer and --consumer
// expand to the ACLs those clients need, as kafka-acls.sh does; --remove asks before deleting
// unless --force.
import { createInterface } from 'node:readline/promises';
import type {
  AclBinding,
  AclBindingFilter,
  AclOperation,
  AclPatternType,
  AclResourceType,
  Admin,
} from '../../client/index.js';
import {
  EXIT_FAILED,
  EXIT_OK,
  listFlag,
  parseFlags,
  stringFlag,
  UsageError,
  withAdmin,
  type FlagValues,
} from './tool-support.js';

const SPEC = {
  name: 'acls',
  help: `Usage: rivulet acls --bootstrap-server HOST:PORT (--add | --remove | --list) RESOURCE ...

Add, list or remove ACLs (flags and output as kafka-acls.sh). The broker needs an authorizer
(authorizer.class.name).

Actions:
  --add                          Add the ACLs described by the options below.
  --remove                       Remove them (asks first, unless --force).
  --list                         List ACLs (of the resources given, or all).
Resources:
  --topic NAME                   A topic (repeatable; * for all).
  --group NAME                   A consumer group (repeatable).
  --cluster                      The cluster.
  --transactional-id ID          A transactional id (repeatable).
  --delegation-token ID          A delegation token (repeatable).
  --user-principal PRINCIPAL     A user, as a resource (repeatable).
  --resource-pattern-type TYPE   literal or prefixed (--add/--remove; default literal), or
                                 any or match as filters (--list default: any).
Entries:
  --allow-principal PRINCIPAL    e.g. User:alice or User:* (repeatable).
  --deny-principal PRINCIPAL     (repeatable).
  --allow-host HOST              Hosts of the allow principals (default *).
  --deny-host HOST               Hosts of the deny principals (default *).
  --operation OP                 Read, Write, Create, Delete, Alter, Describe, ClusterAction,
                                 DescribeConfigs, AlterConfigs, IdempotentWrite, CreateTokens,
                                 DescribeTokens or All (repeatable; default All).
  --producer                     The ACLs of a producer: Write, Describe, Create on topics;
                                 Write, Describe on transactional ids; IdempotentWrite on the
                                 cluster with --idempotent.
  --consumer                     The ACLs of a consumer: Read, Describe on topics; Read on groups.
  --idempotent                   See --producer.
  --principal PRINCIPAL          With --list: only the ACLs of this principal.
  --force                        With --remove: do not ask.
  --bootstrap-server LIST        Brokers to connect to. Required.
  --command-config FILE          Admin client properties file.
  -h, --help                     Show this help.

Exit status: 0 success, 1 the operation failed, 2 bad command line.`,
  options: {
    'bootstrap-server': { type: 'string' },
    'command-config': { type: 'string' },
    add: { type: 'boolean' },
    remove: { type: 'boolean' },
    list: { type: 'boolean' },
    topic: { type: 'string', multiple: true },
    group: { type: 'string', multiple: true },
    cluster: { type: 'boolean' },
    'transactional-id': { type: 'string', multiple: true },
    'delegation-token': { type: 'string', multiple: true },
    'user-principal': { type: 'string', multiple: true },
    'resource-pattern-type': { type: 'string' },
    'allow-principal': { type: 'string', multiple: true },
    'deny-principal': { type: 'string', multiple: true },
    'allow-host': { type: 'string', multiple: true },
    'deny-host': { type: 'string', multiple: true },
    operation: { type: 'string', multiple: true },
    producer: { type: 'boolean' },
    consumer: { type: 'boolean' },
    idempotent: { type: 'boolean' },
    principal: { type: 'string', multiple: true },
    force: { type: 'boolean' },
  },
} as const;

const OPERATIONS: Record<string, AclOperation> = {
  read: 'READ',
  write: 'WRITE',
  create: 'CREATE',
  delete: 'DELETE',
  alter: 'ALTER',
  describe: 'DESCRIBE',
  clusteraction: 'CLUSTER_ACTION',
  describeconfigs: 'DESCRIBE_CONFIGS',
  alterconfigs: 'ALTER_CONFIGS',
  idempotentwrite: 'IDEMPOTENT_WRITE',
  createtokens: 'CREATE_TOKENS',
  describetokens: 'DESCRIBE_TOKENS',
  all: 'ALL',
};

interface Resource {
  resourceType: AclResourceType;
  resourceName: string;
}

export async function runAcls(args: string[]): Promise<number> {
  const flags = parseFlags(SPEC, args);
  if (typeof flags === 'number') return flags;
  const actions = ['add', 'remove', 'list'].filter((a) => flags[a] === true);
  return withAdmin(SPEC.name, flags, async (admin) => {
    if (actions.length !== 1) {
      throw new UsageError('Command must include exactly one action: --list, --add, --remove.');
    }
    if (actions[0] === 'list') return list(admin, flags);
    const patternType = patternTypeOf(flags, 'literal');
    if (patternType !== 'LITERAL' && patternType !== 'PREFIXED') {
      throw new UsageError(
        `A '--resource-pattern-type' value of '${patternType.toLowerCase()}' is not valid when adding or removing acls.`,
      );
    }
    const byResource = bindingsByResource(flags, patternType);
    if (byResource.size === 0)
      throw new UsageError('You must specify a resource: --topic, --group, --cluster, ...');
    return actions[0] === 'add'
      ? add(admin, byResource, patternType)
      : remove(admin, { byResource, patternType, force: flags.force === true });
  });
}

async function add(
  admin: Admin,
  byResource: Map<string, { resource: Resource; bindings: AclBinding[] }>,
  patternType: AclPatternType,
): Promise<number> {
  let failed = false;
  for (const { resource, bindings } of byResource.values()) {
    if (bindings.length === 0)
      throw new UsageError(
        'You must specify one of: --allow-principal, --deny-principal when trying to add ACLs.',
      );
    console.log(`Adding ACLs for resource \`${pattern(resource, patternType)}\`: `);
    for (const b of bindings) console.log(` \t${entry(b)} `);
    console.log('');
    const errors = await admin.createAcls(bindings);
    for (const [i, err] of errors.entries()) {
      if (err === null) continue;
      failed = true;
      console.error(`Error while adding ACLs: ${entry(bindings[i]!)}: ${err.message}`);
    }
  }
  await printCurrent(
    admin,
    [...byResource.values()].map((r) => r.resource),
    patternType,
  );
  return failed ? EXIT_FAILED : EXIT_OK;
}

async function remove(
  admin: Admin,
  options: {
    byResource: Map<string, { resource: Resource; bindings: AclBinding[] }>;
    patternType: AclPatternType;
    force: boolean;
  },
): Promise<number> {
  const { byResource, patternType } = options;
  for (const { resource, bindings } of byResource.values()) {
    const filters: AclBindingFilter[] =
      bindings.length > 0
        ? bindings
        : [
            {
              ...resource,
              patternType,
              principal: null,
              host: null,
              operation: 'ANY',
              permissionType: 'ANY',
            },
          ];
    const target = filter(resource, patternType);
    const what =
      bindings.length > 0
        ? `ACLs: \n ${bindings.map((b) => `\t${entry(b)}`).join('\n ')} \n from`
        : 'all ACLs for';
    if (
      !options.force &&
      !(await confirm(
        `Are you sure you want to remove ${what} resource filter \`${target}\`? (y/n)`,
      ))
    ) {
      continue;
    }
    console.log(`Removing ACLs for resource filter \`${target}\`: `);
    for (const b of bindings) console.log(` \t${entry(b)} `);
    console.log('');
    const results = await admin.deleteAcls(filters);
    const failure = results.find((r) => r.error !== null)?.error;
    if (failure) throw failure;
  }
  await printCurrent(
    admin,
    [...byResource.values()].map((r) => r.resource),
    patternType,
  );
  return EXIT_OK;
}

async function list(admin: Admin, flags: FlagValues): Promise<number> {
  const patternType = patternTypeOf(flags, 'any');
  const resources = resourcesOf(flags);
  const principals = listFlag(flags, 'principal');
  const filters: AclBindingFilter[] = (resources.length > 0 ? resources : [null]).flatMap((r) =>
    (principals.length > 0 ? principals : [null]).map((principal) => ({
      resourceType: r?.resourceType ?? 'ANY',
      resourceName: r?.resourceName ?? null,
      patternType: r === null ? 'ANY' : patternType,
      principal,
      host: null,
      operation: 'ANY' as const,
      permissionType: 'ANY' as const,
    })),
  );
  const acls: AclBinding[] = [];
  for (const f of filters) acls.push(...(await admin.describeAcls(f)));
  printGrouped(acls, principals.length > 0 ? `principal ${principals.join(', ')}` : null);
  return EXIT_OK;
}

/** kafka-acls.sh's listing: one block per resource pattern. */
function printGrouped(acls: readonly AclBinding[], forPrincipal: string | null): void {
  const groups = new Map<string, AclBinding[]>();
  for (const a of acls) {
    const key = pattern(a, a.patternType);
    const list = groups.get(key) ?? [];
    if (!list.some((x) => entry(x) === entry(a))) list.push(a);
    groups.set(key, list);
  }
  for (const [key, list] of groups) {
    const head =
      forPrincipal === null
        ? `Current ACLs for resource \`${key}\`: `
        : `ACLs for ${forPrincipal} in resource \`${key}\`: `;
    console.log(head);
    console.log(` \t${list.map(entry).join('\n\t')} `);
    console.log('');
  }
}

async function printCurrent(admin: Admin, resources: Resource[], patternType: AclPatternType) {
  const acls: AclBinding[] = [];
  for (const r of resources) {
    acls.push(
      ...(await admin.describeAcls({
        ...r,
        patternType,
        principal: null,
        host: null,
        operation: 'ANY',
        permissionType: 'ANY',
      })),
    );
  }
  printGrouped(acls, null);
}

function pattern(r: Resource, patternType: AclPatternType): string {
  return `ResourcePattern(resourceType=${r.resourceType}, name=${r.resourceName}, patternType=${patternType})`;
}

function filter(r: Resource, patternType: AclPatternType): string {
  return `ResourcePatternFilter(resourceType=${r.resourceType}, name=${r.resourceName}, patternType=${patternType})`;
}

function entry(b: AclBinding): string {
  return `(principal=${b.principal}, host=${b.host}, operation=${b.operation}, permissionType=${b.permissionType})`;
}

function patternTypeOf(flags: FlagValues, fallback: string): AclPatternType {
  const value = (stringFlag(flags, 'resource-pattern-type') ?? fallback).toUpperCase();
  if (!['LITERAL', 'PREFIXED', 'ANY', 'MATCH'].includes(value)) {
    throw new UsageError(`Invalid --resource-pattern-type: ${value.toLowerCase()}`);
  }
  return value as AclPatternType;
}

function resourcesOf(flags: FlagValues): Resource[] {
  const of = (type: AclResourceType, names: string[]) =>
    names.map((resourceName) => ({ resourceType: type, resourceName }));
  return [
    ...of('TOPIC', listFlag(flags, 'topic')),
    ...of('GROUP', listFlag(flags, 'group')),
    ...(flags.cluster === true ? of('CLUSTER', ['kafka-cluster']) : []),
    ...of('TRANSACTIONAL_ID', listFlag(flags, 'transactional-id')),
    ...of('DELEGATION_TOKEN', listFlag(flags, 'delegation-token')),
    ...of('USER', listFlag(flags, 'user-principal')),
  ];
}

/** The ACLs the flags describe, by resource. */
function bindingsByResource(flags: FlagValues, patternType: AclPatternType) {
  const byResource = new Map<string, { resource: Resource; bindings: AclBinding[] }>();
  const put = (resource: Resource, ops: AclOperation[]) => {
    const key = `${resource.resourceType}:${resource.resourceName}`;
    const slot = byResource.get(key) ?? { resource, bindings: [] };
    byResource.set(key, slot);
    for (const e of entries(flags)) {
      for (const operation of ops) {
        const b: AclBinding = { ...resource, patternType, ...e, operation };
        if (!slot.bindings.some((x) => entry(x) === entry(b))) slot.bindings.push(b);
      }
    }
  };
  const resources = resourcesOf(flags);
  if (flags.producer === true || flags.consumer === true) {
    for (const r of resources) {
      if (r.resourceType === 'TOPIC') {
        if (flags.producer === true) put(r, ['WRITE', 'DESCRIBE', 'CREATE']);
        if (flags.consumer === true) put(r, ['READ', 'DESCRIBE']);
      } else if (r.resourceType === 'GROUP' && flags.consumer === true) put(r, ['READ']);
      else if (r.resourceType === 'TRANSACTIONAL_ID' && flags.producer === true) {
        put(r, ['WRITE', 'DESCRIBE']);
      }
    }
    if (flags.producer === true && flags.idempotent === true) {
      put({ resourceType: 'CLUSTER', resourceName: 'kafka-cluster' }, ['IDEMPOTENT_WRITE']);
    }
    return byResource;
  }
  const ops = listFlag(flags, 'operation').map((o) => {
    const op = OPERATIONS[o.toLowerCase().replace(/[_-]/g, '')];
    if (op === undefined) throw new UsageError(`Invalid operation: ${o}`);
    return op;
  });
  for (const r of resources) put(r, ops.length > 0 ? ops : ['ALL']);
  return byResource;
}

function entries(flags: FlagValues) {
  const out: Pick<AclBinding, 'principal' | 'host' | 'permissionType'>[] = [];
  const add = (principals: string[], hosts: string[], permissionType: 'ALLOW' | 'DENY') => {
    for (const principal of principals) {
      if (!principal.includes(':')) throw new UsageError(`Invalid principal: ${principal}`);
      for (const host of hosts.length > 0 ? hosts : ['*'])
        out.push({ principal, host, permissionType });
    }
  };
  add(listFlag(flags, 'allow-principal'), listFlag(flags, 'allow-host'), 'ALLOW');
  add(listFlag(flags, 'deny-principal'), listFlag(flags, 'deny-host'), 'DENY');
  return out;
}

async function confirm(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    const answer = await rl.question(`${question}\n`);
    return answer.trim().toLowerCase() === 'y';
  } finally {
    rl.close();
  }
}
