// SCRAM credentials through the admin API (KIP-554), as Java's Admin.describeUserScramCredentials
// and alterUserScramCredentials: the password never travels; the client salts it (a random salt,
// Hi(password, salt, iterations)) and sends the salted password. Kafka's tools default to 4096
// iterations.
import { pbkdf2Sync, randomBytes } from 'node:crypto';
import type {
  AlterUserScramCredentialsResponse,
  DescribeUserScramCredentialsResponse,
} from '../../protocol/index.js';
import { ApiKey } from '../api-versions.js';
import type { Cluster } from '../cluster.js';
import { KafkaError } from '../errors.js';

export type ScramMechanismName = 'SCRAM-SHA-256' | 'SCRAM-SHA-512';

const MECHANISM_TYPES: Record<ScramMechanismName, number> = {
  'SCRAM-SHA-256': 1,
  'SCRAM-SHA-512': 2,
};

export interface UserScramCredentialsDescription {
  user: string;
  credentials: { mechanism: ScramMechanismName; iterations: number }[];
}

export type UserScramCredentialAlteration =
  | { user: string; mechanism: ScramMechanismName; iterations?: number; password: string }
  | { user: string; mechanism: ScramMechanismName; delete: true };

function mechanismName(type: number): ScramMechanismName {
  return type === 1 ? 'SCRAM-SHA-256' : 'SCRAM-SHA-512';
}

/** Every user's credentials, or those of `users` (a user without any is RESOURCE_NOT_FOUND). */
export async function describeUserScramCredentials(
  cluster: Cluster,
  users?: readonly string[],
): Promise<UserScramCredentialsDescription[]> {
  const r = await cluster.send<DescribeUserScramCredentialsResponse>(
    'any',
    ApiKey.DescribeUserScramCredentials,
    { users: users === undefined ? null : users.map((name) => ({ name })) },
  );
  if (r.errorCode !== 0) throw new KafkaError(r.errorCode, r.errorMessage);
  return r.results.map((u) => {
    if (u.errorCode !== 0) throw new KafkaError(u.errorCode, u.errorMessage);
    return {
      user: u.user,
      credentials: u.credentialInfos.map((c) => ({
        mechanism: mechanismName(c.mechanism),
        iterations: c.iterations,
      })),
    };
  });
}

/** Upserts and deletes credentials; rejects with the first user's error. */
export async function alterUserScramCredentials(
  cluster: Cluster,
  alterations: readonly UserScramCredentialAlteration[],
): Promise<void> {
  const deletions = [];
  const upsertions = [];
  for (const a of alterations) {
    const mechanism = MECHANISM_TYPES[a.mechanism];
    if ('delete' in a) {
      deletions.push({ name: a.user, mechanism });
      continue;
    }
    const iterations = a.iterations ?? 4096;
    const salt = randomBytes(32);
    const sha256 = a.mechanism === 'SCRAM-SHA-256';
    const saltedPassword = pbkdf2Sync(
      a.password.normalize('NFKC'),
      salt,
      iterations,
      sha256 ? 32 : 64,
      sha256 ? 'sha256' : 'sha512',
    );
    upsertions.push({ name: a.user, mechanism, iterations, salt, saltedPassword });
  }
  const r = await cluster.send<AlterUserScramCredentialsResponse>(
    'controller',
    ApiKey.AlterUserScramCredentials,
    { deletions, upsertions },
  );
  for (const u of r.results) {
    if (u.errorCode !== 0) throw new KafkaError(u.errorCode, `${u.user}: ${u.errorMessage ?? ''}`);
  }
}
