// SASL/OAUTHBEARER (RFC 7628) as Kafka's OAuthBearerSaslServer: the client's first message is
// `n,[a=authzid],` then `\x01auth=Bearer <token>\x01[key=value\x01...]\x01`. A valid token
// ends the exchange with an empty answer. An invalid one gets the RFC's JSON error as a
// challenge; the client answers with a single \x01 and the exchange fails with the reason.
// Tokens are checked by a validator: Kafka's default (unsecured JWS tokens, alg "none", see
// unsecured-jws-validator.ts) or JWT signature validation against a JWKS (jwt-validator.ts).
import { failed, type SaslExchange, type SaslMechanism, type SaslStep } from './sasl-mechanism.js';

export interface ValidatedToken {
  principalName: string;
  /** The token's `exp`, in ms since the epoch. */
  expiresAtMs: number;
}

export type TokenValidator = (token: string) => Promise<ValidatedToken | { error: string }>;

export class OAuthBearerMechanism implements SaslMechanism {
  readonly name = 'OAUTHBEARER';

  constructor(private readonly validate: TokenValidator) {}

  start(): SaslExchange {
    let failure: string | null = null;
    return {
      evaluate: async (token: Buffer): Promise<SaslStep> => {
        if (failure !== null) return failed(failure);
        const parsed = parseClientResponse(token.toString('utf8'));
        if (typeof parsed === 'string') return failed(parsed);
        const result = await this.validate(parsed.token);
        if ('error' in result) {
          failure = `Authentication failed: ${result.error}`;
          return {
            kind: 'challenge',
            bytes: Buffer.from(JSON.stringify({ status: 'invalid_token' })),
            failing: failure,
          };
        }
        if (parsed.authzid !== '' && parsed.authzid !== result.principalName) {
          return failed(
            `Authentication failed: Authorization ID (${parsed.authzid}) is not the token's principal`,
          );
        }
        return {
          kind: 'done',
          bytes: Buffer.alloc(0),
          principalName: result.principalName,
          credentialExpiresAtMs: result.expiresAtMs,
        };
      },
    };
  }
}

const KVSEP = '\x01';

function parseClientResponse(text: string): { token: string; authzid: string } | string {
  // gs2-header, then kvsep key=value pairs each ended by kvsep, then a final kvsep.
  const first = text.indexOf(KVSEP);
  const header = /^([ny]),(?:a=([^,]*))?,$/.exec(first < 0 ? '' : text.slice(0, first));
  if (header === null || !text.endsWith(KVSEP + KVSEP)) {
    return 'Invalid OAUTHBEARER client first message';
  }
  let token: string | null = null;
  for (const kv of text.slice(first + 1, -2).split(KVSEP)) {
    const eq = kv.indexOf('=');
    if (eq < 0) return 'Invalid OAUTHBEARER client first message: bad key/value pair';
    const key = kv.slice(0, eq);
    const value = kv.slice(eq + 1);
    if (key === 'auth') {
      const bearer = /^Bearer\s+(\S+)\s*$/i.exec(value);
      if (bearer === null) return 'Invalid OAUTHBEARER client first message: not a Bearer token';
      token = bearer[1]!;
    }
  }
  if (token === null) return 'Invalid OAUTHBEARER client first message: no auth';
  return { token, authzid: header[2] ?? '' };
}
