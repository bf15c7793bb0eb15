// `rivulet configs --entity-type users`: SCRAM credentials as kafka-configs.sh manages them
// (KIP-554):
//   --alter --add-config 'SCRAM-SHA-256=[iterations=8192,password=alice-secret],SCRAM-SHA-512=[password=alice-secret]'
//   --alter --delete-config 'SCRAM-SHA-512'
//   --describe   SCRAM credential configs for user-principal 'alice' are SCRAM-SHA-256=iterations=8192
// The password is salted on this side; only the salted form reaches the broker.
// A user's quotas (producer_byte_rate, …) go through the same command, as in kafka-configs.sh:
// one --add-config may mix both kinds, and --describe prints a user's quota configs and then
// its SCRAM credential configs.
import {
  Admin,
  KafkaError,
  type ScramMechanismName,
  type UserScramCredentialAlteration,
} from '../../client/index.js';
import { EXIT_OK, listFlag, stringFlag, UsageError, type FlagValues } from './tool-support.js';
import { runQuotaConfigs } from './client-quota-configs.js';

const MECHANISMS: readonly string[] = ['SCRAM-SHA-256', 'SCRAM-SHA-512'];

/**
 * Whether the flags name users alone (not a user with a client id, not the default user), whose
 * configs are both SCRAM credentials and quotas.
 */
export function isUserRequest(flags: FlagValues): boolean {
  return (
    stringFlag(flags, 'entity-type') === 'users' &&
    flags['entity-default'] !== true &&
    flags.client === undefined &&
    flags.user === undefined
  );
}

/** Users' SCRAM credentials and quotas together, split by config name. */
export async function runUserConfigs(admin: Admin, flags: FlagValues): Promise<number> {
  if (flags.describe === true) {
    await runQuotaConfigs(admin, flags);
    try {
      return await runUserScramConfigs(admin, flags);
    } catch (err) {
      // A user with quotas and no credentials: kafka-configs.sh shows the quotas alone.
      if (err instanceof KafkaError && err.name === 'RESOURCE_NOT_FOUND') return EXIT_OK;
      throw err;
    }
  }
  const isScram = (name: string) => MECHANISMS.includes(name.trim().toUpperCase());
  const added = [...splitConfigs(listFlag(flags, 'add-config').join(','))];
  const deleted = listFlag(flags, 'delete-config')
    .flatMap((d) => d.split(','))
    .map((n) => n.trim())
    .filter((n) => n !== '');
  const part = (scram: boolean): FlagValues => ({
    ...flags,
    'add-config': added.filter(([k]) => isScram(k) === scram).map(([k, v]) => `${k}=${v}`),
    'delete-config': deleted.filter((n) => isScram(n) === scram),
  });
  const scram = part(true);
  const quota = part(false);
  const some = (f: FlagValues) =>
    listFlag(f, 'add-config').length + listFlag(f, 'delete-config').length > 0;
  if (!some(scram) && !some(quota)) {
    throw new UsageError('--alter needs --add-config or --delete-config');
  }
  // Credentials first: a quota for a user who cannot log in yet is harmless, the reverse is not.
  if (some(scram)) await runUserScramConfigs(admin, scram);
  if (some(quota)) await runQuotaConfigs(admin, quota);
  return EXIT_OK;
}

export async function runUserScramConfigs(admin: Admin, flags: FlagValues): Promise<number> {
  const user = stringFlag(flags, 'entity-name');
  if (flags.describe === true) {
    const described = await admin.describeUserScramCredentials(
      user === undefined ? undefined : [user],
    );
    for (const u of described) {
      const configs = u.credentials
        .map((c) => `${c.mechanism}=iterations=${c.iterations}`)
        .join(', ');
      console.log(`SCRAM credential configs for user-principal '${u.user}' are ${configs}`);
    }
    return EXIT_OK;
  }
  if (user === undefined) throw new UsageError('an entity name must be specified with --alter');
  const alterations: UserScramCredentialAlteration[] = [];
  for (const [name, value] of splitConfigs(listFlag(flags, 'add-config').join(','))) {
    const mechanism = name.toUpperCase() as ScramMechanismName;
    const params = new Map(
      value
        .replace(/^\[|\]$/g, '')
        .split(',')
        .map((kv) => [kv.slice(0, kv.indexOf('=')).trim(), kv.slice(kv.indexOf('=') + 1)] as const),
    );
    const password = params.get('password');
    if (password === undefined) throw new UsageError(`${mechanism} needs password=...`);
    const iterations = params.has('iterations') ? Number(params.get('iterations')) : undefined;
    if (iterations !== undefined && !Number.isInteger(iterations)) {
      throw new UsageError(`${mechanism}: iterations must be an integer`);
    }
    alterations.push({
      user,
      mechanism,
      password,
      ...(iterations === undefined ? {} : { iterations }),
    });
  }
  for (const name of listFlag(flags, 'delete-config').flatMap((d) => d.split(','))) {
    alterations.push({
      user,
      mechanism: name.trim().toUpperCase() as ScramMechanismName,
      delete: true,
    });
  }
  await admin.alterUserScramCredentials(alterations);
  console.log(`Completed updating config for user ${user}.`);
  return EXIT_OK;
}

/** `K=V,K2=[a=1,b=2]` into pairs; brackets keep their commas. */
function splitConfigs(text: string): Map<string, string> {
  const out = new Map<string, string>();
  let depth = 0;
  let start = 0;
  const push = (part: string) => {
    const eq = part.indexOf('=');
    if (part.trim() === '') return;
    if (eq <= 0) throw new UsageError(`'${part}' is not key=value`);
    out.set(part.slice(0, eq).trim(), part.slice(eq + 1));
  };
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '[') depth++;
    else if (text[i] === ']') depth--;
    else if (text[i] === ',' && depth === 0) {
      push(text.slice(start, i));
      start = i + 1;
    }
  }
  push(text.slice(start));
  return out;
}
