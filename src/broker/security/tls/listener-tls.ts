// TLS of one SSL or SASL_SSL listener, from Kafka's ssl.* keys: the keystore (PKCS12 file, PEM
// file holding key and chain, or inline PEM in ssl.keystore.key / ssl.keystore.certificate.chain),
// the truststore for client certificates (PEM or PKCS12), ssl.client.auth, ssl.enabled.protocols
// and ssl.cipher.suites. A renewed keystore or truststore file is picked up without a restart:
// each new connection checks the files' size and modification time and, when either changed,
// builds a new context (existing connections keep theirs), as Kafka's dynamic reconfiguration
// of a listener's keystore does.
import { stat, readFile } from 'node:fs/promises';
import { X509Certificate } from 'node:crypto';
import {
  createSecureContext,
  type SecureContextOptions,
  type TlsOptions,
  type TLSSocket,
} from 'node:tls';
import type { Logger } from '../../logger.js';
import { listOf, type ListenerConfig } from '../listener-config.js';
import {
  mapPrincipalName,
  parsePrincipalMappingRules,
  rfc2253Subject,
  type PrincipalRule,
} from './principal-mapping.js';

/** The listener's TLS settings; `version` changes whenever they were reloaded. */
export interface TlsSettings {
  version: number;
  options: TlsOptions;
}

const PROTOCOLS = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'] as const;
type TlsVersion = (typeof PROTOCOLS)[number];

export class ListenerTls {
  private options: SecureContextOptions | null = null;
  private version = 0;
  private fingerprint = '';
  private loading: Promise<void> | null = null;

  private constructor(
    readonly listenerName: string,
    private readonly get: ListenerConfig,
    private readonly rules: readonly PrincipalRule[],
    private readonly logger: Logger,
  ) {}

  /** Reads and checks the listener's TLS settings; rejects naming the key that is wrong. */
  static async open(
    listenerName: string,
    get: ListenerConfig,
    logger: Logger,
  ): Promise<ListenerTls> {
    const rules = parsePrincipalMappingRules(get('ssl.principal.mapping.rules') ?? 'DEFAULT');
    if (typeof rules === 'string') throw new Error(`ssl.principal.mapping.rules: ${rules}`);
    const tls = new ListenerTls(listenerName, get, rules, logger);
    await tls.reloadIfChanged();
    if (tls.options === null) throw new Error(`listener ${listenerName}: no TLS context`);
    return tls;
  }

  get clientAuth(): string {
    return this.get('ssl.client.auth') ?? 'none';
  }

  /** The settings for a new connection, re-read first if the keystore's file changed. */
  async current(): Promise<TlsSettings> {
    try {
      await this.reloadIfChanged();
    } catch (err) {
      // A half-written renewal must not stop new connections: keep the previous context.
      this.logger.error(
        `listener ${this.listenerName}: cannot reload the keystore; keeping the previous one`,
        { err },
      );
    }
    const auth = this.clientAuth;
    return {
      version: this.version,
      options: {
        ...this.options!,
        requestCert: auth !== 'none',
        // Only with ssl.client.auth=required does a missing or untrusted certificate fail.
        rejectUnauthorized: auth === 'required',
      },
    };
  }

  /**
   * The client side of this listener's TLS, for connections to other brokers' inter-broker
   * listener: its keystore as the client certificate (used when the other side asks for one),
   * its truststore for the other side's certificate, and Kafka's host check
   * (ssl.endpoint.identification.algorithm, `https` by default; empty turns it off).
   */
  async clientOptions(): Promise<{
    ca?: string[];
    key?: string;
    cert?: string;
    pfx?: Buffer;
    passphrase?: string;
    checkHostname: boolean;
  }> {
    await this.current();
    const o = this.options!;
    const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
    return {
      ca: Array.isArray(o.ca) ? o.ca.filter((c): c is string => typeof c === 'string') : undefined,
      key: text(o.key),
      cert: text(o.cert),
      pfx: Buffer.isBuffer(o.pfx) ? o.pfx : undefined,
      passphrase: o.passphrase,
      checkHostname: (this.get('ssl.endpoint.identification.algorithm') ?? 'https') !== '',
    };
  }

  /**
   * The principal of a connection whose handshake completed: `User:<mapped subject>` for a
   * verified client certificate, else `User:ANONYMOUS`; null when no mapping rule applies.
   */
  principalOf(socket: TLSSocket): string | null {
    const peer = socket.getPeerX509Certificate?.();
    if (peer === undefined || !socket.authorized) return 'User:ANONYMOUS';
    const subject = rfc2253Subject(peer.subject);
    const name = mapPrincipalName(this.rules, subject);
    return name === null ? null : `User:${name}`;
  }

  private async reloadIfChanged(): Promise<void> {
    while (this.loading !== null) await this.loading;
    const files = [this.get('ssl.keystore.location'), this.get('ssl.truststore.location')];
    const stamps = await Promise.all(
      files.map(async (f) => {
        if (f === null) return '-';
        const s = await stat(f);
        return `${s.size}:${s.mtimeMs}`;
      }),
    );
    const fingerprint = stamps.join('|');
    if (this.options !== null && fingerprint === this.fingerprint) return;
    this.loading = (async () => {
      const options = await this.contextOptions();
      // Built once here so that a bad key or certificate is reported now, not per connection.
      createSecureContext(options);
      this.options = options;
      this.version++;
      if (this.fingerprint !== '') {
        this.logger.info(`listener ${this.listenerName}: reloaded its keystore and truststore`);
      }
      this.fingerprint = fingerprint;
    })();
    try {
      await this.loading;
    } finally {
      this.loading = null;
    }
  }

  private async contextOptions(): Promise<SecureContextOptions> {
    const options: SecureContextOptions = {
      ...(await this.keystore()),
      ...(await this.truststore()),
    };
    const enabled = listOf(this.get('ssl.enabled.protocols'));
    const versions = PROTOCOLS.filter((p) => enabled.includes(p));
    if (versions.length === 0) {
      throw new Error(`ssl.enabled.protocols: none of ${enabled.join(', ')} is a TLS version`);
    }
    options.minVersion = versions[0] as TlsVersion;
    options.maxVersion = versions[versions.length - 1] as TlsVersion;
    const suites = listOf(this.get('ssl.cipher.suites'));
    // Kafka users write IANA names (TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256); OpenSSL wants its
    // own for TLS 1.2 (ECDHE-RSA-AES128-GCM-SHA256) and takes TLS 1.3 suites as they are.
    if (suites.length > 0) options.ciphers = suites.map(openSslCipherName).join(':');
    return options;
  }

  private async keystore(): Promise<SecureContextOptions> {
    const type = (this.get('ssl.keystore.type') ?? 'JKS').toUpperCase();
    const location = this.get('ssl.keystore.location');
    const password = this.get('ssl.keystore.password') ?? undefined;
    const keyPassword = this.get('ssl.key.password') ?? password;
    const inlineChain = this.get('ssl.keystore.certificate.chain');
    const inlineKey = this.get('ssl.keystore.key');
    if (inlineChain !== null || inlineKey !== null) {
      if (type !== 'PEM') throw new Error('ssl.keystore.key needs ssl.keystore.type=PEM');
      if (inlineChain === null || inlineKey === null) {
        throw new Error('ssl.keystore.key and ssl.keystore.certificate.chain go together');
      }
      return { key: pemText(inlineKey), cert: pemText(inlineChain), passphrase: keyPassword };
    }
    if (location === null) {
      throw new Error(`listener ${this.listenerName}: ssl.keystore.location is not set`);
    }
    const bytes = await readFile(location);
    if (type === 'PKCS12') return { pfx: bytes, passphrase: password };
    if (type === 'PEM') {
      // One file with the private key and the certificate chain, as Kafka's PEM keystore.
      const text = bytes.toString('utf8');
      return { key: text, cert: text, passphrase: keyPassword };
    }
    throw new Error(
      `ssl.keystore.type=${type}: Rivulet reads PKCS12 and PEM keystores (convert a JKS one with ` +
        '`keytool -importkeystore -deststoretype PKCS12`)',
    );
  }

  private async truststore(): Promise<SecureContextOptions> {
    const type = (this.get('ssl.truststore.type') ?? 'JKS').toUpperCase();
    const location = this.get('ssl.truststore.location');
    const inline = this.get('ssl.truststore.certificates');
    if (inline !== null) return { ca: pemCertificates(pemText(inline)) };
    if (location === null) return {};
    const bytes = await readFile(location);
    if (type === 'PEM') return { ca: pemCertificates(bytes.toString('utf8')) };
    if (type === 'PKCS12') {
      const { pkcs12Certificates } = await import('./pkcs12-truststore.js');
      return { ca: pkcs12Certificates(bytes, this.get('ssl.truststore.password') ?? '') };
    }
    throw new Error(`ssl.truststore.type=${type}: Rivulet reads PKCS12 and PEM truststores`);
  }
}

/** An IANA TLS 1.2 cipher suite name in OpenSSL's spelling; other names pass unchanged. */
export function openSslCipherName(name: string): string {
  const m = /^TLS_(.+)_WITH_(.+)$/.exec(name);
  if (m === null) return name;
  const cipher = m[2]!
    .replace(/^AES_(128|256)_/, 'AES$1_')
    .replace(/^CHACHA20_POLY1305_SHA256$/, 'CHACHA20_POLY1305');
  // Plain RSA key exchange has no prefix in OpenSSL's names (AES128-GCM-SHA256).
  const kx = m[1] === 'RSA' ? '' : `${m[1]}_`;
  return `${kx}${cipher}`.replace(/_/g, '-');
}

/** Inline PEM in a properties file may have its line breaks escaped or folded into spaces. */
function pemText(value: string): string {
  return value
    .replace(/\\n/g, '\n')
    .replace(/(-----BEGIN [A-Z ]+-----)\s*/g, '$1\n')
    .replace(/\s*(-----END [A-Z ]+-----)/g, '\n$1')
    .replace(/-----\s+-----/g, '-----\n-----');
}

/** Each certificate of a PEM bundle (checked to parse, so a bad truststore fails at start). */
function pemCertificates(text: string): string[] {
  const certs = text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (certs.length === 0) throw new Error('the truststore holds no PEM certificate');
  for (const cert of certs) new X509Certificate(cert);
  return certs;
}
