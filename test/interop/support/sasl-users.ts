// SCRAM users for SASL tests, made the way Kafka's tools make them: AlterUserScramCredentials
// with a random salt and the salted password (RFC 5802 Hi), sent over a plaintext listener.
import assert from 'node:assert/strict';
import { pbkdf2Sync, randomBytes } from 'node:crypto';
import { ProtocolClient } from '../../support/protocol-client.js';

export async function addScramUser(
  port: number,
  user: string,
  password: string,
  mechanism: 'SCRAM-SHA-256' | 'SCRAM-SHA-512',
  iterations = 4096,
): Promise<void> {
  const sha256 = mechanism === 'SCRAM-SHA-256';
  const salt = randomBytes(16);
  const saltedPassword = pbkdf2Sync(
    password,
    salt,
    iterations,
    sha256 ? 32 : 64,
    sha256 ? 'sha256' : 'sha512',
  );
  const client = await ProtocolClient.connect(port);
  try {
    const res = await client.request(51, 0, {
      deletions: [],
      upsertions: [{ name: user, mechanism: sha256 ? 1 : 2, iterations, salt, saltedPassword }],
    });
    assert.deepEqual(
      res.results.map((r: { errorCode: number }) => r.errorCode),
      [0],
      JSON.stringify(res),
    );
  } finally {
    client.close();
  }
}

/** An unsecured JWS (alg none), as Kafka's OAuthBearerUnsecuredLoginCallbackHandler makes. */
export function unsecuredToken(sub: string, expiresInSeconds: number): string {
  const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  return `${enc({ alg: 'none' })}.${enc({ sub, iat: now, exp: now + expiresInSeconds })}.`;
}
