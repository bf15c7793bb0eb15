// Security keys of the broker (listeners' TLS and SASL), with Kafka's names and defaults. Each
// also exists per listener as `listener.name.<listener>.<key>` (the listener name in lower
// case, as Kafka writes it), which wins over the plain key for that listener; the JAAS
// configuration exists only per listener and mechanism:
// `listener.name.<listener>.<mechanism>.sasl.jaas.config` (see broker/security/).
import { atLeast, key, oneOf } from './config-key.js';

export const SECURITY_CONFIG_KEYS = [
  // Kafka's default keystore type is JKS, which only the JVM reads; Rivulet refuses it at start
  // with a hint (PKCS12 and PEM are supported).
  key.string('ssl.keystore.type', 'JKS', 'Keystore format: PKCS12 or PEM.'),
  key.string('ssl.keystore.location', null, 'Keystore file (PKCS12, or PEM: key and chain).'),
  key.password('ssl.keystore.password', 'Keystore password (PKCS12; PEM: the key password).'),
  key.password('ssl.key.password', 'Password of the private key.'),
  key.password('ssl.keystore.certificate.chain', 'Certificate chain, inline PEM.'),
  key.password('ssl.keystore.key', 'Private key, inline PEM (PKCS#8).'),
  key.string('ssl.truststore.type', 'JKS', 'Truststore format: PKCS12 or PEM.'),
  key.string('ssl.truststore.location', null, 'Truststore file: CAs trusted for client certs.'),
  key.password('ssl.truststore.password', 'Truststore password (PKCS12).'),
  key.password('ssl.truststore.certificates', 'Trusted certificates, inline PEM.'),
  key.string('ssl.client.auth', 'none', 'Client certificates: none, requested or required.', {
    validate: oneOf(['none', 'requested', 'required']),
  }),
  key.list('ssl.enabled.protocols', 'TLSv1.2,TLSv1.3', 'TLS versions accepted.'),
  key.string('ssl.protocol', 'TLSv1.3', 'TLS protocol of the context (informational).'),
  key.list('ssl.cipher.suites', null, 'Cipher suites (OpenSSL or IANA names); default: all.'),
  key.list('ssl.principal.mapping.rules', 'DEFAULT', 'Certificate subject → principal name.'),
  key.string('ssl.endpoint.identification.algorithm', 'https', 'Client-side host check.'),
  // Kafka's default is GSSAPI (Kerberos), which Rivulet does not offer; a SASL listener needs
  // its mechanisms named.
  key.list('sasl.enabled.mechanisms', 'GSSAPI', 'SASL mechanisms offered on SASL listeners.'),
  key.password('sasl.jaas.config', 'JAAS configuration (per listener and mechanism preferred).'),
  key.string('sasl.mechanism.inter.broker.protocol', 'GSSAPI', 'Mechanism between brokers.'),
  key.int('sasl.server.max.receive.size', 524288, 'Largest SASL token before authentication.', {
    validate: atLeast(1),
  }),
  key.long('connections.max.reauth.ms', 0, 'Session lifetime before re-authentication (KIP-368).', {
    validate: atLeast(0),
  }),
  key.int('connection.failed.authentication.delay.ms', 100, 'Delay before a failed login answer.', {
    validate: atLeast(0),
  }),
  key.int('max.connection.creation.rate', 2147483647, 'New connections per second (KIP-612).', {
    validate: atLeast(0),
  }),
  key.string('sasl.oauthbearer.jwks.endpoint.url', null, 'JWKS URL (https:, http: or file:).'),
  key.long('sasl.oauthbearer.jwks.endpoint.refresh.ms', 3600000, 'JWKS refresh interval.'),
  key.list('sasl.oauthbearer.expected.audience', null, 'Accepted JWT audiences.'),
  key.string('sasl.oauthbearer.expected.issuer', null, 'Required JWT issuer.'),
  key.string('sasl.oauthbearer.sub.claim.name', 'sub', 'JWT claim naming the principal.'),
  key.string('sasl.oauthbearer.scope.claim.name', 'scope', 'JWT claim holding the scopes.'),
  key.int('sasl.oauthbearer.clock.skew.seconds', 30, 'Allowed clock skew for JWT times.'),
] as const;

/** The keys above that may also be given per listener (`listener.name.<l>.<key>`). */
const PER_LISTENER = new Set<string>(SECURITY_CONFIG_KEYS.map((k) => k.name));

/**
 * Whether `name` is a per-listener security key Rivulet acts on:
 * `listener.name.<l>.<security key>` or `listener.name.<l>.<mechanism>.sasl.jaas.config` (and
 * the per-mechanism callback handler class, which selects OAUTHBEARER's JWT validation).
 */
export function isListenerSecurityKey(name: string): boolean {
  const m = /^listener\.name\.([a-z0-9_]+)\.(.+)$/i.exec(name);
  if (m === null) return false;
  const rest = m[2]!;
  if (PER_LISTENER.has(rest)) return true;
  return /^[a-z0-9-]+\.sasl\.(jaas\.config|server\.callback\.handler\.class)$/i.test(rest);
}
