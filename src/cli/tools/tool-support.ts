// What the Kafka-style client tools share: flag parsing with Kafka's flag names, `--help`,
// exit codes (0 done, 1 the operation failed, 2 the command line is wrong) and error lines a
// shell user can act on.
import { readFileSync } from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { Admin, ClientError, KafkaError, type ClusterOptions } from '../../client/index.js';
import { parseProperties } from '../../broker/config/index.js';
import { securityOptions, SecurityConfigError } from './client-security.js';

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

export type FlagValues = Record<string, string | boolean | string[] | undefined>;

export class UsageError extends Error {}

export interface ToolSpec {
  name: string;
  help: string;
  options: NonNullable<ParseArgsConfig['options']>;
  /**
   * Other names of flags: Kafka 4.1 (KIP-1147) renamed several, e.g. `--property` to
   * `--formatter-property`, and both spellings are accepted.
   */
  aliases?: Readonly<Record<string, string>>;
}

/** Parsed flags, or an exit code when `--help` was asked for or the flags are wrong. */
export function parseFlags(spec: ToolSpec, args: string[]): FlagValues | number {
  try {
    const { values } = parseArgs({
      args: joinNegativeNumbers(resolveAliases(args, spec.aliases ?? {})),
      options: { ...spec.options, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: false,
    });
    if (values.help === true) {
      console.log(spec.help + aliasHelp(spec.aliases));
      return EXIT_OK;
    }
    return values as FlagValues;
  } catch (err) {
    return usageError(spec.name, (err as Error).message);
  }
}

function aliasHelp(aliases: Readonly<Record<string, string>> | undefined): string {
  const entries = Object.entries(aliases ?? {});
  if (entries.length === 0) return '';
  const names = entries.map(([alias, name]) => `--${alias} for --${name}`).join(', ');
  return `\n\nKafka 4.1's flag names are accepted too: ${names}.`;
}

function resolveAliases(args: readonly string[], aliases: Readonly<Record<string, string>>) {
  return args.map((a) => {
    if (!a.startsWith('--')) return a;
    const eq = a.indexOf('=');
    const name = a.slice(2, eq < 0 ? undefined : eq);
    const target = aliases[name];
    return target === undefined ? a : `--${target}${eq < 0 ? '' : a.slice(eq)}`;
  });
}

/** `--throughput -1` is how Kafka users write it; parseArgs wants `--throughput=-1`. */
function joinNegativeNumbers(args: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const next = args[i + 1];
    if (a.startsWith('--') && !a.includes('=') && next !== undefined && /^-\d+$/.test(next)) {
      out.push(`${a}=${next}`);
      i++;
    } else out.push(a);
  }
  return out;
}

export function usageError(tool: string, message: string): number {
  console.error(`rivulet ${tool}: ${message}\nRun 'rivulet ${tool} --help' for usage.`);
  return EXIT_USAGE;
}

/** Reports a failed operation on stderr and returns the exit code. */
export function failure(tool: string, err: unknown): number {
  if (err instanceof UsageError) return usageError(tool, err.message);
  console.error(`rivulet ${tool}: ${describeError(err)}`);
  return EXIT_FAILED;
}

export function describeError(err: unknown): string {
  if (err instanceof KafkaError) return `${err.name}: ${err.message}`;
  if (err instanceof ClientError) {
    const hint =
      err.code === 'ERR_NO_BROKERS' || err.code === 'ERR_CONNECTION'
        ? ' Is the broker running, and is --bootstrap-server right?'
        : '';
    return `${err.message.replace(/\.$/, '')}.${hint}`;
  }
  return err instanceof Error ? err.message : String(err);
}

export function stringFlag(flags: FlagValues, name: string): string | undefined {
  const v = flags[name];
  return typeof v === 'string' ? v : undefined;
}

export function listFlag(flags: FlagValues, name: string): string[] {
  const v = flags[name];
  return Array.isArray(v) ? v : typeof v === 'string' ? [v] : [];
}

export function requireFlag(flags: FlagValues, name: string): string {
  const v = stringFlag(flags, name);
  if (v === undefined || v === '') throw new UsageError(`--${name} is required`);
  return v;
}

export function intFlag(flags: FlagValues, name: string): number | undefined {
  const v = stringFlag(flags, name);
  if (v === undefined) return undefined;
  if (!/^-?\d+$/.test(v)) throw new UsageError(`--${name} '${v}' is not an integer`);
  return Number(v);
}

/** key=value pairs from repeated flags (each may also hold several, comma-separated). */
export function keyValues(values: readonly string[], options: { splitCommas?: boolean } = {}) {
  const out = new Map<string, string>();
  for (const raw of values) {
    const parts = options.splitCommas === true ? raw.split(',') : [raw];
    for (const part of parts) {
      const eq = part.indexOf('=');
      if (eq <= 0) throw new UsageError(`'${part}' is not key=value`);
      out.set(part.slice(0, eq).trim(), part.slice(eq + 1));
    }
  }
  return out;
}

/** Reads a Java-style properties file (--command-config, --producer.config, ...). */
export function readPropertiesFile(path: string): Map<string, string> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${path}: ${(err as Error).message}`);
  }
  // java.util.Properties syntax, as Kafka's tools read it: continuation lines matter for the
  // long sasl.jaas.config values people paste.
  return parseProperties(text);
}

/** Client options from --bootstrap-server and Kafka client properties. */
export function clientOptions(
  bootstrap: string,
  props: ReadonlyMap<string, string> = new Map(),
): ClusterOptions {
  const num = (key: string) => (props.has(key) ? Number(props.get(key)) : undefined);
  return {
    bootstrapServers: bootstrap,
    clientId: props.get('client.id') ?? 'rivulet-cli',
    requestTimeoutMs: num('request.timeout.ms'),
    retryBackoffMs: num('retry.backoff.ms'),
    metadataMaxAgeMs: num('metadata.max.age.ms'),
    connectTimeoutMs: num('socket.connection.setup.timeout.ms') ?? 10_000,
    // A tool should fail fast when the cluster is unreachable.
    timeoutMs: num('default.api.timeout.ms') ?? 30_000,
    ...security(props),
  };
}

/** security.protocol, ssl.* and sasl.* (client-security.ts); a bad value is a usage error. */
function security(props: ReadonlyMap<string, string>) {
  try {
    return securityOptions(props);
  } catch (err) {
    if (err instanceof SecurityConfigError) throw new UsageError(err.message);
    throw err;
  }
}

/** Turns a Kafka topic pattern (Java regex, usually plain names or `.*`) into a matcher. */
export function topicMatcher(pattern: string | undefined): (name: string) => boolean {
  if (pattern === undefined) return () => true;
  let re: RegExp;
  try {
    re = new RegExp(`^(?:${pattern})$`);
  } catch {
    throw new UsageError(`--topic '${pattern}' is not a valid regular expression`);
  }
  return (name) => re.test(name);
}

/** Unescapes \t, \n and \\ in separators given on the command line, as Kafka's tools do. */
export function unescape(s: string): string {
  return s.replace(
    /\\([tnr\\])/g,
    (_, c: string) => ({ t: '\t', n: '\n', r: '\r', '\\': '\\' })[c]!,
  );
}

/**
 * Runs `action` with an Admin client for --bootstrap-server (and --command-config when the
 * tool has it), closing it afterwards; errors become `failure` lines and exit codes.
 */
export async function withAdmin(
  tool: string,
  flags: FlagValues,
  action: (admin: Admin) => Promise<number>,
): Promise<number> {
  let admin: Admin | null = null;
  try {
    const bootstrap = requireFlag(flags, 'bootstrap-server');
    const configFile = stringFlag(flags, 'command-config');
    const props =
      configFile === undefined ? new Map<string, string>() : readPropertiesFile(configFile);
    admin = new Admin(clientOptions(bootstrap, props));
    await admin.connect();
    return await action(admin);
  } catch (err) {
    return failure(tool, err);
  } finally {
    admin?.close();
  }
}

/**
 * Splits off the first positional word (Kafka's `kafka-transactions.sh ... list` style): a word
 * that is not a flag and not the value of a flag that takes one.
 */
export function subcommand(
  spec: ToolSpec,
  args: readonly string[],
): { command: string | undefined; rest: string[] } {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a.startsWith('-')) {
      const name = a.replace(/^--?/, '');
      if (!a.includes('=') && spec.options[name]?.type === 'string') i++;
      continue;
    }
    return { command: a, rest: [...args.slice(0, i), ...args.slice(i + 1)] };
  }
  return { command: undefined, rest: [...args] };
}

/** Kafka's tools' tables (ToolsUtils.prettyPrintTable): cells padded to the column width, each then a tab. */
export function printTabTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => c.padEnd(widths[i]!) + '\t').join('');
  for (const cells of [header, ...rows]) console.log(line(cells));
}
