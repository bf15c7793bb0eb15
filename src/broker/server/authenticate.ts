// The authenticate stage, first of every request. A PLAINTEXT or SSL connection's principal is
// known when it is accepted (User:ANONYMOUS, or the TLS client certificate's), so its requests
// pass. On a SASL listener, as in Kafka's SaslServerAuthenticator, a connection that has not
// finished authenticating may send only ApiVersions, SaslHandshake and SaslAuthenticate, each
// no larger than sasl.server.max.receive.size; anything else closes it. The exchange itself is
// run by the SaslHandshake and SaslAuthenticate handlers (broker/security/sasl/). A session
// whose lifetime passed (connections.max.reauth.ms, KIP-368) may send only what re-authenticates
// it; any other request closes the connection, as Kafka does.
import type { Session } from './session.js';

const SASL_HANDSHAKE_API_KEY = 17;
const API_VERSIONS_API_KEY = 18;
const SASL_AUTHENTICATE_API_KEY = 36;

export interface AuthenticateLimits {
  /** The request's size in bytes. */
  frameBytes: number;
  /** sasl.server.max.receive.size. */
  maxUnauthenticatedBytes: number;
  nowMs: number;
}

const NO_LIMITS: AuthenticateLimits = {
  frameBytes: 0,
  maxUnauthenticatedBytes: Infinity,
  nowMs: 0,
};

/** Null when the session may send a request of `apiKey`; otherwise why the connection closes. */
export function authenticate(
  session: Session,
  apiKey: number,
  limits: AuthenticateLimits = NO_LIMITS,
): string | null {
  if (session.saslState === 'none') return null;
  const authenticating =
    apiKey === API_VERSIONS_API_KEY ||
    apiKey === SASL_HANDSHAKE_API_KEY ||
    apiKey === SASL_AUTHENTICATE_API_KEY;
  if (session.saslState === 'authenticated') {
    const expires = session.sessionExpiresAtMs;
    if (expires === null || limits.nowMs < expires || authenticating) return null;
    return 'the SASL session expired without re-authentication (connections.max.reauth.ms)';
  }
  if (!authenticating) {
    return `unexpected request of api key ${apiKey} during SASL authentication`;
  }
  if (limits.frameBytes > limits.maxUnauthenticatedBytes) {
    return `SASL request of ${limits.frameBytes} bytes before authentication, limit ${limits.maxUnauthenticatedBytes} (sasl.server.max.receive.size)`;
  }
  return null;
}
