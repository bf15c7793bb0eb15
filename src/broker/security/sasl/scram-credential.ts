// SCRAM credentials (RFC 5802 §3) as Kafka stores them: salt, StoredKey = H(ClientKey),
// ServerKey and the iteration count, never the password. AlterUserScramCredentials sends the
// salted password (SaltedPassword = Hi(password, salt, i)); the broker derives the keys.
import { createHash, createHmac, pbkdf2Sync } from 'node:crypto';

export type ScramHash = 'sha256' | 'sha512';

export interface ScramMechanismInfo {
  name: 'SCRAM-SHA-256' | 'SCRAM-SHA-512';
  /** Kafka's ScramMechanism type: 1 = SCRAM-SHA-256, 2 = SCRAM-SHA-512. */
  type: 1 | 2;
  hash: ScramHash;
  /** Kafka's bounds on the iteration count. */
  minIterations: number;
  maxIterations: number;
}

export const SCRAM_MECHANISMS: readonly ScramMechanismInfo[] = [
  { name: 'SCRAM-SHA-256', type: 1, hash: 'sha256', minIterations: 4096, maxIterations: 16384 },
  { name: 'SCRAM-SHA-512', type: 2, hash: 'sha512', minIterations: 4096, maxIterations: 16384 },
];

export function scramMechanismByType(type: number): ScramMechanismInfo | undefined {
  return SCRAM_MECHANISMS.find((m) => m.type === type);
}

export function scramMechanismByName(name: string): ScramMechanismInfo | undefined {
  return SCRAM_MECHANISMS.find((m) => m.name === name.toUpperCase());
}

export interface ScramCredential {
  salt: Buffer;
  storedKey: Buffer;
  serverKey: Buffer;
  iterations: number;
}

/** Looks up a user's credential for one mechanism (the metadata image answers). */
export type ScramCredentialLookup = (
  user: string,
  mechanism: ScramMechanismInfo,
) => ScramCredential | undefined;

export function hmac(hash: ScramHash, key: Buffer, data: Buffer | string): Buffer {
  return createHmac(hash, key).update(data).digest();
}

export function digest(hash: ScramHash, data: Buffer): Buffer {
  return createHash(hash).update(data).digest();
}

/** Hi(password, salt, i) of RFC 5802: PBKDF2 with the mechanism's HMAC. */
export function saltedPassword(
  hash: ScramHash,
  password: string,
  salt: Buffer,
  iterations: number,
): Buffer {
  const length = hash === 'sha256' ? 32 : 64;
  return pbkdf2Sync(Buffer.from(password.normalize('NFKC')), salt, iterations, length, hash);
}

/** The stored form of a credential from its salted password. */
export function credentialFromSaltedPassword(
  hash: ScramHash,
  salted: Buffer,
  salt: Buffer,
  iterations: number,
): ScramCredential {
  const clientKey = hmac(hash, salted, 'Client Key');
  return {
    salt,
    storedKey: digest(hash, clientKey),
    serverKey: hmac(hash, salted, 'Server Key'),
    iterations,
  };
}
