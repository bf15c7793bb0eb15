// `rivulet configs`: kafka-configs.sh for topics, brokers (per broker and the cluster-wide
// default), broker loggers and groups: describe (dynamic configs, or all with --all; every
// entity of the type without a name) and alter with --add-config / --delete-config, applied
// with IncrementalAlterConfigs.
import {
  Admin,
  type AlterConfigOp,
  type ConfigEntry,
  type ConfigResource,
} from '../../client/index.js';
import {
  clientOptions,
  EXIT_OK,
  failure,
  listFlag,
  parseFlags,
  readPropertiesFile,
  requireFlag,
  stringFlag,
  UsageError,
  type FlagValues,
} from './tool-support.js';
import { isUserRequest, runUserConfigs } from './configs-users.js';
import { namesQuotaEntity, runQuotaConfigs } from './client-quota-configs.js';

const SPEC = {
  name: 'configs',
  help: `Usage: rivulet configs --bootstrap-server HOST:PORT ENTITY (--describe [--all] | --alter ...)

Show or change the configuration of topics, brokers, broker loggers or groups (flags and output
as kafka-configs.sh).

Entity (one of):
  --entity-type TYPE          topics, brokers, broker-loggers, groups or users, with:
    --entity-name NAME        Topic name, broker id or group id. Without it, --describe
                              shows every entity of the type.
    --entity-default          The cluster-wide broker default (brokers only).
  --topic NAME                Same as --entity-type topics --entity-name NAME.
  --broker ID                 Same as --entity-type brokers --entity-name ID.
  --broker-defaults           Same as --entity-type brokers --entity-default.
  --broker-logger ID          Same as --entity-type broker-loggers --entity-name ID.
  --group NAME                Same as --entity-type groups --entity-name NAME.
  --entity-type users|clients Client quotas (producer_byte_rate, consumer_byte_rate,
                              request_percentage, controller_mutation_rate) of a user or a
                              client id, or of both with --user NAME --client ID;
                              --entity-default names the default entity.
  --user NAME, --client ID    Same as --entity-type users / clients --entity-name NAME.

Options:
  --bootstrap-server LIST     Brokers to connect to. Required.
  --describe                  Print configs: those set dynamically, or all with --all.
  --all                       With --describe: every config, defaults included.
  --alter                     Change configs with --add-config and/or --delete-config.
  --add-config K=V,K2=V2      Configs to set; a value with commas goes in brackets: k=[a,b].
  --delete-config K,K2        Configs to remove (back to their defaults); each must be set.
                              Users: SCRAM credentials, --add-config
                              'SCRAM-SHA-256=[iterations=8192,password=secret]' and
                              --delete-config SCRAM-SHA-256, beside the user's quotas: one
                              --add-config may mix both, and --describe shows both.
  --command-config FILE       Client properties file.
  -h, --help                  Show this help.

Exit status: 0 success, 1 the operation failed, 2 bad command line.`,
  options: {
    'bootstrap-server': { type: 'string' },
    'entity-type': { type: 'string' },
    'entity-name': { type: 'string' },
    'entity-default': { type: 'boolean' },
    topic: { type: 'string' },
    broker: { type: 'string' },
    'broker-defaults': { type: 'boolean' },
    'broker-logger': { type: 'string' },
    group: { type: 'string' },
    user: { type: 'string' },
    client: { type: 'string' },
    describe: { type: 'boolean' },
    all: { type: 'boolean' },
    alter: { type: 'boolean' },
    'add-config': { type: 'string', multiple: true },
    'delete-config': { type: 'string', multiple: true },
    'command-config': { type: 'string' },
  },
} as const;

const ENTITY_TYPES = {
  topics: 'topic',
  brokers: 'broker',
  'broker-loggers': 'broker-logger',
  groups: 'group',
} as const;
type EntityType = keyof typeof ENTITY_TYPES;

/** The shortcut flags of kafka-configs.sh (Kafka 3.x+), with the entity each names. */
const SHORTCUTS = [
  ['topic', 'topics'],
  ['broker', 'brokers'],
  ['broker-logger', 'broker-loggers'],
  ['group', 'groups'],
] as const;

/** An entity type and, unless every entity of the type is meant, one name ('' = default). */
interface Entity {
  entityType: EntityType;
  name: string | null;
}

export async function runConfigs(args: string[]): Promise<number> {
  const flags = parseFlags(SPEC, args);
  if (typeof flags === 'number') return flags;
  let admin: Admin | null = null;
  try {
    if ((flags.describe === true) === (flags.alter === true))
      throw new UsageError('give exactly one of --describe, --alter');
    if (isUserRequest(flags)) {
      const props = readPropertiesFile(stringFlag(flags, 'command-config') ?? '/dev/null');
      admin = new Admin(clientOptions(requireFlag(flags, 'bootstrap-server'), props));
      await admin.connect();
      return await runUserConfigs(admin, flags);
    }
    const bootstrap = requireFlag(flags, 'bootstrap-server');
    const commandConfig = stringFlag(flags, 'command-config');
    const props =
      commandConfig === undefined ? new Map<string, string>() : readPropertiesFile(commandConfig);
    const quota = namesQuotaEntity(flags);
    const entity = quota ? null : entityOf(flags);
    if (flags.alter === true && entity?.name === null)
      throw new UsageError('an entity name must be specified with --alter');
    if (namesQuotaEntity(flags)) {
      admin = new Admin(clientOptions(bootstrap, props));
      await admin.connect();
      return await runQuotaConfigs(admin, flags);
    }
    const ops = flags.alter === true ? alterOps(flags) : [];
    admin = new Admin(clientOptions(bootstrap, props));
    await admin.connect();
    if (entity === null) throw new UsageError('no entity');
    if (flags.describe === true) return await describe(admin, entity, flags.all === true);
    const resource = { type: ENTITY_TYPES[entity.entityType], name: entity.name! };
    await alter(admin, resource, ops);
    console.log(
      resource.name === ''
        ? `Completed updating default config for ${entity.entityType} in the cluster.`
        : `Completed updating config for ${singular(entity.entityType)} ${resource.name}.`,
    );
    return EXIT_OK;
  } catch (err) {
    return failure(SPEC.name, err);
  } finally {
    admin?.close();
  }
}

function entityOf(flags: FlagValues): Entity {
  const given: Entity[] = [];
  const typeFlag = stringFlag(flags, 'entity-type');
  if (typeFlag !== undefined) {
    if (!(typeFlag in ENTITY_TYPES)) {
      throw new UsageError(
        `--entity-type '${typeFlag}' is not topics, brokers, broker-loggers, groups, users or clients`,
      );
    }
    const entityType = typeFlag as EntityType;
    const name = stringFlag(flags, 'entity-name');
    if (flags['entity-default'] === true) {
      if (entityType !== 'brokers')
        throw new UsageError('--entity-default only applies to brokers');
      if (name !== undefined)
        throw new UsageError('give --entity-name or --entity-default, not both');
      given.push({ entityType, name: '' });
    } else given.push({ entityType, name: name ?? null });
  } else if (flags['entity-name'] !== undefined || flags['entity-default'] === true) {
    throw new UsageError('--entity-name and --entity-default need --entity-type');
  }
  for (const [flag, entityType] of SHORTCUTS) {
    const name = stringFlag(flags, flag);
    if (name !== undefined) given.push({ entityType, name });
  }
  if (flags['broker-defaults'] === true) given.push({ entityType: 'brokers', name: '' });
  if (given.length !== 1) {
    throw new UsageError(
      'give exactly one entity: --entity-type (with --entity-name or --entity-default), ' +
        '--topic, --broker, --broker-defaults, --broker-logger or --group',
    );
  }
  const entity = given[0]!;
  const isBroker = entity.entityType === 'brokers' || entity.entityType === 'broker-loggers';
  if (isBroker && entity.name !== null && entity.name !== '' && !/^\d+$/.test(entity.name)) {
    throw new UsageError(
      `The entity name for ${entity.entityType} must be a valid integer broker id, but it is: ${entity.name}`,
    );
  }
  return entity;
}

function singular(entityType: EntityType): string {
  return entityType.slice(0, -1);
}

/** The names --describe covers: the one given, or every entity of the type, as Kafka lists them. */
async function entityNames(admin: Admin, entity: Entity): Promise<string[]> {
  if (entity.name !== null) return [entity.name];
  switch (entity.entityType) {
    case 'topics':
      return (await admin.listTopics({ includeInternal: true })).sort();
    case 'brokers':
    case 'broker-loggers': {
      const ids = (await admin.describeCluster()).brokers.map((b) => String(b.nodeId));
      return entity.entityType === 'brokers' ? [...ids, ''] : ids;
    }
    case 'groups':
      return (await admin.listGroups()).map((g) => g.groupId).sort();
  }
}

/** The source of the configs set on the entity itself (what --describe shows without --all). */
function dynamicSource(resource: ConfigResource): string | null {
  switch (resource.type) {
    case 'topic':
      return 'DYNAMIC_TOPIC_CONFIG';
    case 'broker':
      return resource.name === '' ? 'DYNAMIC_DEFAULT_BROKER_CONFIG' : 'DYNAMIC_BROKER_CONFIG';
    case 'group':
      return 'GROUP_CONFIG';
    case 'broker-logger':
      return null;
  }
}

/** Kafka's getResourceConfig: the entity's configs (dynamic ones unless `all`), by name. */
async function resourceConfigs(
  admin: Admin,
  resource: ConfigResource,
  all: boolean,
): Promise<ConfigEntry[]> {
  const entries = await admin.describeConfigs(resource, { includeSynonyms: true });
  const source = all ? null : dynamicSource(resource);
  return entries
    .filter((e) => source === null || e.source === source)
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

async function describe(admin: Admin, entity: Entity, all: boolean): Promise<number> {
  for (const name of await entityNames(admin, entity)) {
    const resource = { type: ENTITY_TYPES[entity.entityType], name };
    const entries = await resourceConfigs(admin, resource, all);
    console.log(
      name === ''
        ? `Default configs for ${entity.entityType} in the cluster are:`
        : `${all ? 'All' : 'Dynamic'} configs for ${singular(entity.entityType)} ${name} are:`,
    );
    for (const e of entries) console.log(`  ${formatEntry(e)}`);
  }
  return EXIT_OK;
}

/** Kafka's Java client names GROUP_CONFIG (source 8) DYNAMIC_GROUP_CONFIG; kafka-configs prints that. */
function sourceName(source: string): string {
  if (source === 'GROUP_CONFIG') return 'DYNAMIC_GROUP_CONFIG';
  if (source === 'CLIENT_METRICS_CONFIG') return 'DYNAMIC_CLIENT_METRICS_CONFIG';
  return source;
}

function formatEntry(e: ConfigEntry): string {
  const value = e.isSensitive ? null : e.value;
  const synonyms = e.synonyms
    .map((s) => `${sourceName(s.source)}:${s.name}=${e.isSensitive ? null : s.value}`)
    .join(', ');
  return `${e.name}=${value} sensitive=${e.isSensitive} synonyms={${synonyms}}`;
}

/**
 * As kafka-configs.sh: every key to delete must be set on the entity now ("Invalid
 * config(s): …" otherwise), then the changes go in one IncrementalAlterConfigs.
 */
async function alter(admin: Admin, resource: ConfigResource, ops: AlterConfigOp[]): Promise<void> {
  const deletes = ops.filter((o) => o.op === 'delete').map((o) => o.name);
  if (deletes.length > 0 && resource.type !== 'broker-logger') {
    const current = new Set((await resourceConfigs(admin, resource, false)).map((e) => e.name));
    const invalid = deletes.filter((n) => !current.has(n));
    if (invalid.length > 0) throw new Error(`Invalid config(s): ${invalid.join(',')}`);
  }
  await admin.alterConfigs(resource, ops);
}

function alterOps(flags: FlagValues): AlterConfigOp[] {
  const ops: AlterConfigOp[] = [];
  for (const raw of listFlag(flags, 'add-config')) {
    for (const item of splitConfigList(raw)) {
      const eq = item.indexOf('=');
      if (eq <= 0) throw new UsageError(`--add-config '${item}' is not key=value`);
      const value = item.slice(eq + 1).replace(/^\[(.*)\]$/, '$1');
      ops.push({ op: 'set', name: item.slice(0, eq).trim(), value });
    }
  }
  for (const raw of listFlag(flags, 'delete-config')) {
    for (const name of raw
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== ''))
      ops.push({ op: 'delete', name });
  }
  if (ops.length === 0) throw new UsageError('--alter needs --add-config or --delete-config');
  return ops;
}

/** Splits k=v,k2=[a,b] on the commas outside brackets. */
export function splitConfigList(raw: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of raw) {
    if (ch === '[') depth++;
    if (ch === ']') depth = Math.max(0, depth - 1);
    if (ch === ',' && depth === 0) {
      if (current.trim() !== '') out.push(current.trim());
      current = '';
    } else current += ch;
  }
  if (current.trim() !== '') out.push(current.trim());
  return out;
}
