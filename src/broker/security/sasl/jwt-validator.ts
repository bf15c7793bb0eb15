// OAUTHBEARER JWT validation with signatures, as Kafka's OAuthBearerValidatorCallbackHandler
// (KIP-768): the token's signature is checked against the keys of a JWKS
// (`sasl.oauthbearer.jwks.endpoint.url`: https:, http: or a file: URL), and its issuer,
// audience, expiry and subject against `sasl.oauthbearer.expected.issuer`,
// `sasl.oauthbearer.expected.audience`, `sasl.oauthbearer.clock.skew.seconds` and
// `sasl.oauthbearer.sub.claim.name`. The `jose` library does the JOSE work.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { createLocalJWKSet, createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from 'jose';
import type { TokenValidator } from './oauthbearer-mechanism.js';

export interface JwtValidatorOptions {
  jwksUrl: string;
  refreshMs: number;
  audience: string[];
  issuer: string | null;
  subClaimName: string;
  clockSkewSeconds: number;
}

export async function jwtValidator(options: JwtValidatorOptions): Promise<TokenValidator> {
  const url = new URL(options.jwksUrl);
  let keys: JWTVerifyGetKey;
  if (url.protocol === 'file:') {
    const jwks = JSON.parse(await readFile(fileURLToPath(url), 'utf8')) as Parameters<
      typeof createLocalJWKSet
    >[0];
    keys = createLocalJWKSet(jwks);
  } else {
    keys = createRemoteJWKSet(url, { cacheMaxAge: options.refreshMs });
  }
  return async (token) => {
    try {
      const { payload } = await jwtVerify(token, keys, {
        ...(options.audience.length > 0 ? { audience: options.audience } : {}),
        ...(options.issuer !== null ? { issuer: options.issuer } : {}),
        clockTolerance: options.clockSkewSeconds,
        requiredClaims: ['exp'],
      });
      const principal = payload[options.subClaimName];
      if (typeof principal !== 'string' || principal === '') {
        return { error: `the token has no ${options.subClaimName} claim` };
      }
      return { principalName: principal, expiresAtMs: payload.exp! * 1000 };
    } catch (err) {
      return { error: (err as Error).message };
    }
  };
}
