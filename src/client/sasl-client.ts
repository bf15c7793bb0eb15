// The client side of SASL (KIP-43, KIP-152): SaslHandshake v1 names the mechanism, then
// SaslAuthenticate carries the mechanism's tokens. PLAIN (RFC 4616), SCRAM-SHA-256/512
// (RFC 5802/7677, with the server's signature checked, so a broker that does not know the
// password is caught) and OAUTHBEARER (RFC 7628, the token from the caller's provider).
// The broker's session lifetime (KIP-368) is returned so the connection can re-authenticate.
import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';
import { KafkaError } from '../protocol/index.js';
import { ClientError } from './errors.js';

export type SaslOptions =
  | { mechanism: 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512'; username: string; password: string }
  | {
      mechanism: 'OAUTHBEARER';
      /** Called on every (re-)authentication: a fresh token, as Kafka's login callback gives. */
      token: () => string | Promise<string>;
      /** SASL extensions (KIP-342), sent as key=value pairs. */
      extensions?: Record<string, string>;
    };

/** Sends one SaslAuthenticate with `authBytes`; resolves with the broker's answer. */
export type SaslRoundTrip = (authBytes: Buffer) => Promise<{
  errorCode: number;
  errorMessage: string | null;
  authBytes: Buffer;
  sessionLifetimeMs: bigint;
}>;

/** Runs the exchange after a successful handshake; resolves with the session lifetime (0: none). */
export async function saslAuthenticate(options: SaslOptions, send: SaslRoundTrip): Promise<number> {
  const step = async (bytes: Buffer) => {
    const res = await send(bytes);
    if (res.errorCode !== 0) throw new KafkaError(res.errorCode, res.errorMessage);
    return res;
  };
  switch (options.mechanism) {
    case 'PLAIN': {
      const res = await step(Buffer.from(`\0${options.username}\0${options.password}`));
      return Number(res.sessionLifetimeMs);
    }
    case 'OAUTHBEARER': {
      const token = await options.token();
      const ext = Object.entries(options.extensions ?? {})
        .map(([k, v]) => `${k}=${v}\x01`)
        .join('');
      const res = await send(Buffer.from(`n,,\x01auth=Bearer ${token}\x01${ext}\x01`));
      if (res.errorCode === 0 && res.authBytes.length > 0) {
        // An RFC 7628 error challenge: acknowledge it to get the broker's reason.
        await step(Buffer.from('\x01'));
      }
      if (res.errorCode !== 0) throw new KafkaError(res.errorCode, res.errorMessage);
      return Number(res.sessionLifetimeMs);
    }
    default:
      return scram(options.mechanism, options.username, options.password, step);
  }
}

async function scram(
  mechanism: 'SCRAM-SHA-256' | 'SCRAM-SHA-512',
  username: string,
  password: string,
  step: (bytes: Buffer) => Promise<{ authBytes: Buffer; sessionLifetimeMs: bigint }>,
): Promise<number> {
  const hash = mechanism === 'SCRAM-SHA-256' ? 'sha256' : 'sha512';
  const nonce = randomBytes(24).toString('base64');
  const user = username.replace(/=/g, '=3D').replace(/,/g, '=2C');
  const clientFirstBare = `n=${user},r=${nonce}`;
  const serverFirst = (await step(Buffer.from(`n,,${clientFirstBare}`))).authBytes.toString();
  const attrs = new Map(serverFirst.split(',').map((kv) => [kv[0], kv.slice(2)] as const));
  const serverNonce = attrs.get('r') ?? '';
  const salt = Buffer.from(attrs.get('s') ?? '', 'base64');
  const iterations = Number(attrs.get('i'));
  if (!serverNonce.startsWith(nonce) || !(iterations > 0)) {
    throw new ClientError('ERR_CONNECTION', `invalid SCRAM server-first message`);
  }
  const salted = pbkdf2Sync(
    password.normalize('NFKC'),
    salt,
    iterations,
    hash === 'sha256' ? 32 : 64,
    hash,
  );
  const clientKey = createHmac(hash, salted).update('Client Key').digest();
  const storedKey = createHash(hash).update(clientKey).digest();
  const withoutProof = `c=biws,r=${serverNonce}`;
  const authMessage = `${clientFirstBare},${serverFirst},${withoutProof}`;
  const signature = createHmac(hash, storedKey).update(authMessage).digest();
  const proof = Buffer.alloc(clientKey.length);
  for (let i = 0; i < proof.length; i++) proof[i] = clientKey[i]! ^ signature[i]!;
  const final = await step(Buffer.from(`${withoutProof},p=${proof.toString('base64')}`));
  const serverKey = createHmac(hash, salted).update('Server Key').digest();
  const expected = createHmac(hash, serverKey).update(authMessage).digest();
  const verifier = /(?:^|,)v=([^,]*)/.exec(final.authBytes.toString())?.[1];
  const got = Buffer.from(verifier ?? '', 'base64');
  if (got.length !== expected.length || !timingSafeEqual(got, expected)) {
    throw new ClientError('ERR_CONNECTION', 'the broker sent a wrong SCRAM server signature');
  }
  return Number(final.sessionLifetimeMs);
}
