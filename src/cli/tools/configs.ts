// `rivulet configs`: kafka-configs.sh for topics and brokers — describe (dynamic configs, or
// all with --all) and alter with --add-config / --delete-config, applied with
// IncrementalAlterConfigs.
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

const SPEC = {
  name: 'configs',
  help: `Usage: rivulet configs --bootstrap-server HOST:PORT --entity-type topics|brokers (--describe | --alter) [options]

Show or change the configuration of a topic or broker (flags as kafka-configs.sh).

Options:
  --bootstrap-server LIST     Brokers to connect to. Required.
  --entity-type TYPE          topics, brokers or broker-loggers. Required.
  --entity-name NAME          Topic name or broker id. Required unless --entity-default.
  --entity-default            The cluster-wide broker default (with --entity-type brokers).
  --describe                  Print configs: those set dynamically, or all with --all.
  --all                       With --describe: every config, defaults included.
  --alter                     Change configs with --add-config and/or --delete-config.
  --add-config K=V,K2=V2      Configs to set; a value with commas goes in brackets: k=[a,b].
  --delete-config K,K2        Configs to remove (back to their defaults).
  --command-config FILE       Client properties file.
  -h, --help                  Show this help.

Exit status: 0 success, 1 the operation failed, 2 bad command line.`,
  options: {
    'bootstrap-server': { type: 'string' },
    'entity-type': { type: 'string' },
    'entity-name': { type: 'string' },
    'entity-default': { type: 'boolean' },
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
} as const;

export async function runConfigs(args: string[]): Promise<number> {
  const flags = parseFlags(SPEC, args);
  if (typeof flags === 'number') return flags;
  let admin: Admin | null = null;
  try {
    if ((flags.describe === true) === (flags.alter === true))
      throw new UsageError('give exactly one of --describe, --alter');
    const resource = resourceOf(flags);
    const bootstrap = requireFlag(flags, 'bootstrap-server');
    const commandConfig = stringFlag(flags, 'command-config');
    const props =
      commandConfig === undefined ? new Map<string, string>() : readPropertiesFile(commandConfig);
    const ops = flags.alter === true ? alterOps(flags) : [];
    admin = new Admin(clientOptions(bootstrap, props));
    await admin.connect();
    if (flags.describe === true) return await describe(admin, resource, flags.all === true);
    await admin.alterConfigs(resource, ops);
    console.log(`Completed updating config for ${label(resource)}.`);
    return EXIT_OK;
  } catch (err) {
    return failure(SPEC.name, err);
  } finally {
    admin?.close();
  }
}

function resourceOf(flags: FlagValues): ConfigResource {
  const typeFlag = requireFlag(flags, 'entity-type');
  const type = ENTITY_TYPES[typeFlag as keyof typeof ENTITY_TYPES];
  if (type === undefined)
    throw new UsageError(`--entity-type '${typeFlag}' is not topics, brokers or broker-loggers`);
  if (flags['entity-default'] === true) {
    if (type !== 'broker') throw new UsageError('--entity-default only applies to brokers');
    return { type, name: '' };
  }
  return { type, name: requireFlag(flags, 'entity-name') };
}

function label(r: ConfigResource): string {
  if (r.type === 'broker' && r.name === '') return 'the default broker';
  return `${r.type === 'broker-logger' ? 'broker-logger' : r.type} ${r.name}`;
}

async function describe(admin: Admin, resource: ConfigResource, all: boolean): Promise<number> {
  const entries = await admin.describeConfigs(resource, { includeSynonyms: true });
  const shown = all ? entries : entries.filter(isDynamic);
  console.log(`${all ? 'All' : 'Dynamic'} configs for ${label(resource)} are:`);
  for (const e of shown) console.log(`  ${formatEntry(e)}`);
  return EXIT_OK;
}

function isDynamic(e: ConfigEntry): boolean {
  return e.source.startsWith('DYNAMIC_');
}

function formatEntry(e: ConfigEntry): string {
  const value = e.isSensitive ? null : e.value;
  const synonyms = e.synonyms
    .map((s) => `${s.source}:${s.name}=${e.isSensitive ? null : s.value}`)
    .join(', ');
  return `${e.name}=${value} sensitive=${e.isSensitive} synonyms={${synonyms}}`;
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
