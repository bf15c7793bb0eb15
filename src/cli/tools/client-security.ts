// Security settings of the client tools from Kafka's client properties (--command-config):
// security.protocol, ssl.truststore.*/ssl.keystore.* (PEM or PKCS12, files or inline PEM),
// ssl.endpoint.identification.algorithm, sasl.mechanism and sasl.jaas.config with Kafka's login
// modules: PlainLoginModule and ScramLoginModule (username, password) and
// OAuthBearerLoginModule with Kafka's unsecured token options (unsecuredLoginStringClaim_sub,
// unsecuredLoginLifetimeSeconds), as Kafka's tools read them.
import { readFileSync } from 'node:fs';
import type { SaslOptions, SslOptions } from '../../client/index.js';
import { parseJaasConfig } from '../../broker/security/sasl/jaas.js';
import { pkcs12Certificates } from '../../broker/security/tls/pkcs12-truststore.js';

/** A property that is missing or wrong; the tools report it as a command-line error. */
export class SecurityConfigError extends Error {}
const UsageError = SecurityConfigError;

const PROTOCOLS = ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'];

export function securityOptions(props: ReadonlyMap<string, string>): {
  ssl?: SslOptions;
  sasl?: SaslOptions;
} {
  const protocol = (props.get('security.protocol') ?? 'PLAINTEXT').toUpperCase();
  if (!PROTOCOLS.includes(protocol)) {
    throw new UsageError(`security.protocol=${protocol} is not one of ${PROTOCOLS.join(', ')}`);
  }
  return {
    ...(protocol.endsWith('SSL') ? { ssl: sslOptions(props) } : {}),
    ...(protocol.startsWith('SASL_') ? { sasl: saslOptions(props) } : {}),
  };
}

function read(path: string, key: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new UsageError(`${key}: cannot read ${path}: ${(err as Error).message}`);
  }
}

function sslOptions(props: ReadonlyMap<string, string>): SslOptions {
  const o: SslOptions = {};
  const trustType = (props.get('ssl.truststore.type') ?? 'JKS').toUpperCase();
  const trustFile = props.get('ssl.truststore.location');
  const inlineTrust = props.get('ssl.truststore.certificates');
  if (inlineTrust !== undefined) o.ca = inlineTrust;
  else if (trustFile !== undefined) {
    const bytes = read(trustFile, 'ssl.truststore.location');
    if (trustType === 'PEM') o.ca = bytes;
    else if (trustType === 'PKCS12') {
      o.ca = pkcs12Certificates(bytes, props.get('ssl.truststore.password') ?? '');
    } else throw new UsageError(`ssl.truststore.type=${trustType}: use PEM or PKCS12`);
  }
  const keyType = (props.get('ssl.keystore.type') ?? 'JKS').toUpperCase();
  const keyFile = props.get('ssl.keystore.location');
  const keyPassword = props.get('ssl.key.password') ?? props.get('ssl.keystore.password');
  if (props.has('ssl.keystore.key')) {
    o.key = props.get('ssl.keystore.key');
    o.cert = props.get('ssl.keystore.certificate.chain');
    o.passphrase = keyPassword;
  } else if (keyFile !== undefined) {
    const bytes = read(keyFile, 'ssl.keystore.location');
    if (keyType === 'PEM') {
      o.key = bytes;
      o.cert = bytes;
      o.passphrase = keyPassword;
    } else if (keyType === 'PKCS12') {
      o.pfx = bytes;
      o.passphrase = props.get('ssl.keystore.password');
    } else throw new UsageError(`ssl.keystore.type=${keyType}: use PEM or PKCS12`);
  }
  // Kafka's default is https (check the host name); an empty value turns the check off.
  if (props.get('ssl.endpoint.identification.algorithm') === '') o.checkHostname = false;
  return o;
}

function saslOptions(props: ReadonlyMap<string, string>): SaslOptions {
  const mechanism = (props.get('sasl.mechanism') ?? 'GSSAPI').toUpperCase();
  const jaasText = props.get('sasl.jaas.config');
  const jaas = jaasText === undefined ? null : parseJaasConfig(jaasText);
  if (typeof jaas === 'string') throw new UsageError(`sasl.jaas.config: ${jaas}`);
  const options = jaas?.[0]?.options ?? new Map<string, string>();
  switch (mechanism) {
    case 'PLAIN':
    case 'SCRAM-SHA-256':
    case 'SCRAM-SHA-512': {
      const username = options.get('username');
      const password = options.get('password');
      if (username === undefined || password === undefined) {
        throw new UsageError(`sasl.jaas.config must give username and password for ${mechanism}`);
      }
      return { mechanism, username, password };
    }
    case 'OAUTHBEARER': {
      const sub = options.get('unsecuredLoginStringClaim_sub');
      if (sub === undefined) {
        throw new UsageError(
          'OAUTHBEARER: sasl.jaas.config must give unsecuredLoginStringClaim_sub (unsecured tokens)',
        );
      }
      const lifetimeSeconds = Number(options.get('unsecuredLoginLifetimeSeconds') ?? 3600);
      return { mechanism, token: () => unsecuredToken(sub, lifetimeSeconds) };
    }
    default:
      throw new UsageError(
        `sasl.mechanism=${mechanism} is not supported (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512, OAUTHBEARER)`,
      );
  }
}

/** An unsecured JWS as Kafka's OAuthBearerUnsecuredLoginCallbackHandler makes it. */
function unsecuredToken(sub: string, lifetimeSeconds: number): string {
  const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const iat = Math.floor(Date.now() / 1000);
  return `${enc({ alg: 'none' })}.${enc({ sub, iat, exp: iat + lifetimeSeconds })}.`;
}
