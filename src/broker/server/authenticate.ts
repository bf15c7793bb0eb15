// The authenticate stage, first of every request. A PLAINTEXT connection's principal is known
// when it is accepted (User:ANONYMOUS), so its requests pass. On a SASL listener, as in Kafka's
// SaslServerAuthenticator, a connection that has not finished authenticating may send only
// ApiVersions, SaslHandshake and SaslAuthenticate; anything else closes it. The SASL exchange
// itself (mechanisms, re-authentication per KIP-368) belongs here once the broker has SASL
// listeners; until then SaslHandshake and SaslAuthenticate answer with errors from their
// handlers.
import type { Session } from './session.js';

const SASL_HANDSHAKE_API_KEY = 17;
const API_VERSIONS_API_KEY = 18;
const SASL_AUTHENTICATE_API_KEY = 36;

/** Null when the session may send a request of `apiKey`; otherwise why the connection closes. */
export function authenticate(session: Session, apiKey: number): string | null {
  if (session.saslState !== 'handshake') return null;
  if (
    apiKey === API_VERSIONS_API_KEY ||
    apiKey === SASL_HANDSHAKE_API_KEY ||
    apiKey === SASL_AUTHENTICATE_API_KEY
  ) {
    return null;
  }
  return `unexpected request of api key ${apiKey} during SASL authentication`;
}
