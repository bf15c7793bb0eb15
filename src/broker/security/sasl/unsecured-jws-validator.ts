// Kafka's default OAUTHBEARER validation (OAuthBearerUnsecuredValidatorCallbackHandler), for
// development: an unsigned JWS (`{"alg":"none"}` header, empty signature) whose claims hold
// the principal (`sub`), the expiry (`exp`, seconds; required) and optionally `iat` and the
// scope. Options, from the listener's OAuthBearerLoginModule JAAS entry, as Kafka names them:
// unsecuredValidatorPrincipalClaimName (sub), unsecuredValidatorScopeClaimName (scope),
// unsecuredValidatorRequiredScope (space-separated), unsecuredValidatorAllowableClockSkewMs (0).
import type { TokenValidator } from './oauthbearer-mechanism.js';

export function unsecuredJwsValidator(
  options: ReadonlyMap<string, string>,
  nowMs: () => number,
): TokenValidator {
  const principalClaim = options.get('unsecuredValidatorPrincipalClaimName') ?? 'sub';
  const scopeClaim = options.get('unsecuredValidatorScopeClaimName') ?? 'scope';
  const requiredScope = (options.get('unsecuredValidatorRequiredScope') ?? '')
    .split(/[\s,]+/)
    .filter((s) => s !== '');
  const skewMs = Number(options.get('unsecuredValidatorAllowableClockSkewMs') ?? 0);
  return (token) => {
    const parts = token.split('.');
    if (parts.length !== 3 || parts[2] !== '') {
      return Promise.resolve({ error: 'the token is not an unsecured JWS (header.payload.)' });
    }
    let header: Record<string, unknown>;
    let claims: Record<string, unknown>;
    try {
      header = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8')) as typeof header;
      claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as typeof claims;
    } catch {
      return Promise.resolve({ error: 'the token is not valid base64url JSON' });
    }
    if (header['alg'] !== 'none') {
      return Promise.resolve({
        error: `unsecured tokens must have alg "none", not ${String(header['alg'])}`,
      });
    }
    return Promise.resolve(checkClaims(claims));
  };

  function checkClaims(claims: Record<string, unknown>) {
    const now = nowMs();
    const exp = claims['exp'];
    if (typeof exp !== 'number') return { error: 'the token has no numeric exp claim' };
    if (exp * 1000 + skewMs <= now)
      return { error: `the token expired at ${new Date(exp * 1000).toISOString()}` };
    const iat = claims['iat'];
    if (iat !== undefined && (typeof iat !== 'number' || iat * 1000 - skewMs > now)) {
      return { error: 'the token is not valid yet (iat)' };
    }
    const principal = claims[principalClaim];
    if (typeof principal !== 'string' || principal.trim() === '') {
      return { error: `the token has no ${principalClaim} claim` };
    }
    const scopeValue = claims[scopeClaim];
    const scopes = Array.isArray(scopeValue)
      ? scopeValue.map(String)
      : typeof scopeValue === 'string'
        ? scopeValue.split(' ')
        : [];
    const missing = requiredScope.filter((s) => !scopes.includes(s));
    if (missing.length > 0)
      return { error: `the token lacks the required scope ${missing.join(' ')}` };
    return { principalName: principal, expiresAtMs: exp * 1000 };
  }
}
