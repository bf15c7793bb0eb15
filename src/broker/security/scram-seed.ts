// The first SCRAM users, given at start (`rivulet start --add-scram`, startBroker's `addScram`)
// in the syntax of Kafka's `kafka-storage format --add-scram`:
//   SCRAM-SHA-256=[name=admin,password=admin-secret]
//   SCRAM-SHA-512=[name=alice,iterations=8192,salt="N3E=",saltedpassword="YCE="]
// so that a broker whose only listeners need SASL/SCRAM can be logged into at all: without it,
// AlterUserScramCredentials needs a client that is already in. Each credential is written as the
// UserScramCredentialRecord AlterUserScramCredentials writes. Kafka adds them when it formats a
// new log dir; here they are added at start to metadata that has no credential for that user
// and mechanism yet, so a password changed later through the admin API is kept (and the start
// says so) rather than reset on every restart.
import { MetadataRecordType, type ClusterMetadata } from '../../metadata/index.js';
import type { Logger } from '../logger.js';
import {
  credentialFromSaltedPassword,
  saltedPassword,
  scramMechanismByName,
  type ScramCredential,
  type ScramMechanismInfo,
} from './sasl/scram-credential.js';

export interface ScramSeed {
  mechanism: ScramMechanismInfo;
  name: string;
  credential: ScramCredential;
}

const DEFAULT_ITERATIONS = 4096;
const SALT_BYTES = 32;
const KEYS = new Set(['name', 'password', 'iterations', 'salt', 'saltedpassword']);

/** One `--add-scram` argument as a credential, or why it is not one. */
export function parseScramSeed(
  text: string,
  randomBytes: (n: number) => Buffer,
): ScramSeed | string {
  const m = /^\s*([A-Za-z0-9-]+)=\[(.*)\]\s*$/s.exec(text);
  // The text holds a password: errors name the part that is wrong, never echo the text.
  if (m === null) return 'expected MECHANISM=[name=...,password=...]';
  const mechanism = scramMechanismByName(m[1]!);
  if (mechanism === undefined)
    return `unknown SCRAM mechanism ${m[1]} (SCRAM-SHA-256 or SCRAM-SHA-512)`;
  const fields = new Map<string, string>();
  for (const part of splitFields(m[2]!)) {
    const eq = part.indexOf('=');
    const key = (eq < 0 ? part : part.slice(0, eq)).trim().toLowerCase();
    if (eq < 0 || !KEYS.has(key)) {
      return `${mechanism.name}=[...] takes name, password, iterations, salt, saltedpassword`;
    }
    fields.set(key, unquote(part.slice(eq + 1).trim()));
  }
  const name = fields.get('name');
  if (name === undefined || name === '') return `${mechanism.name}=[...] needs a name`;
  const iterations = Number(fields.get('iterations') ?? DEFAULT_ITERATIONS);
  if (
    !Number.isInteger(iterations) ||
    iterations < mechanism.minIterations ||
    iterations > mechanism.maxIterations
  ) {
    return `iterations of ${name} must be ${mechanism.minIterations}..${mechanism.maxIterations}`;
  }
  const password = fields.get('password');
  const salted = fields.get('saltedpassword');
  if ((password === undefined) === (salted === undefined)) {
    return `${mechanism.name}=[name=${name},...] needs either password or saltedpassword`;
  }
  const saltText = fields.get('salt');
  if (salted !== undefined && saltText === undefined)
    return `saltedpassword of ${name} needs a salt`;
  const salt = saltText === undefined ? randomBytes(SALT_BYTES) : Buffer.from(saltText, 'base64');
  const key =
    salted !== undefined
      ? Buffer.from(salted, 'base64')
      : saltedPassword(mechanism.hash, password!, salt, iterations);
  return {
    mechanism,
    name,
    credential: credentialFromSaltedPassword(mechanism.hash, key, salt, iterations),
  };
}

/**
 * Writes the seeds whose user has no credential for their mechanism yet, in one batch; throws on
 * a seed that does not parse (a configuration error that stops the start).
 */
export async function seedScramCredentials(
  metadata: ClusterMetadata,
  seeds: readonly string[],
  { randomBytes, logger }: { randomBytes: (n: number) => Buffer; logger: Logger },
): Promise<void> {
  const parsed: ScramSeed[] = [];
  for (const text of seeds) {
    const seed = parseScramSeed(text, randomBytes);
    if (typeof seed === 'string') throw new Error(`--add-scram: ${seed}`);
    parsed.push(seed);
  }
  const fresh = parsed.filter((s) => {
    const known = metadata.image.scramCredential(s.name, s.mechanism.type) !== undefined;
    if (known)
      logger.info(`${s.mechanism.name} credential of ${s.name} exists; --add-scram keeps it`);
    return !known;
  });
  if (fresh.length === 0) return;
  await metadata.alterScramCredentials(
    fresh.map((s) => ({
      type: MetadataRecordType.UserScramCredential,
      value: { name: s.name, mechanism: s.mechanism.type, ...s.credential },
    })),
  );
  for (const s of fresh) logger.info(`added the ${s.mechanism.name} credential of ${s.name}`);
}

/** Splits `a=1,b="x,y"` on the commas outside double quotes. */
function splitFields(text: string): string[] {
  const out: string[] = [];
  let current = '';
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    if (ch === ',' && !quoted) {
      out.push(current);
      current = '';
    } else current += ch;
  }
  if (current.trim() !== '') out.push(current);
  return out;
}

function unquote(value: string): string {
  return value.length >= 2 && value.startsWith('"') && value.endsWith('"')
    ? value.slice(1, -1)
    : value;
}
