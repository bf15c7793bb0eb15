// The broker's listener security, made once at start from the configuration: the TLS of each
// SSL and SASL_SSL listener and the SASL mechanisms of each SASL_PLAINTEXT and SASL_SSL
// listener (`sasl.enabled.mechanisms`, users and options from
// `listener.name.<l>.<mechanism>.sasl.jaas.config`). SCRAM credentials live in the metadata
// image; the lookup is attached once the metadata is open.
import type { BrokerConfig } from '../config/index.js';
import type { Logger } from '../logger.js';
import type { InterBrokerSecurity } from '../partition/inter-broker-connection.js';
import type { ListenerAddress } from '../server/index.js';
import { listenerConfig, listOf, type ListenerConfig } from './listener-config.js';
import { parseJaasConfig, type JaasEntry } from './sasl/jaas.js';
import { jwtValidator } from './sasl/jwt-validator.js';
import { OAuthBearerMechanism } from './sasl/oauthbearer-mechanism.js';
import { PlainMechanism } from './sasl/plain-mechanism.js';
import type { SaslMechanism } from './sasl/sasl-mechanism.js';
import {
  SCRAM_MECHANISMS,
  type ScramCredential,
  type ScramCredentialLookup,
} from './sasl/scram-credential.js';
import { ScramMechanism } from './sasl/scram-mechanism.js';
import { unsecuredJwsValidator } from './sasl/unsecured-jws-validator.js';
import { ListenerTls } from './tls/listener-tls.js';

/** What the SASL handlers need to know about one SASL listener. */
export interface SaslListener {
  /** Enabled mechanisms by name, in the order of sasl.enabled.mechanisms. */
  mechanisms: ReadonlyMap<string, SaslMechanism>;
  /** connections.max.reauth.ms of this listener; 0: sessions do not expire. */
  maxReauthMs: number;
}

export interface BrokerSecurityOptions {
  nowMs: () => number;
}

export class BrokerSecurity {
  readonly tls = new Map<string, ListenerTls>();
  readonly sasl = new Map<string, SaslListener>();
  readonly failedAuthenticationDelayMs: number;
  /** sasl.server.max.receive.size: largest request before a SASL client has authenticated. */
  readonly maxUnauthenticatedBytes: number;
  private scramLookup: ScramCredentialLookup = () => undefined;

  private constructor(config: BrokerConfig) {
    this.failedAuthenticationDelayMs = config.values['connection.failed.authentication.delay.ms'];
    this.maxUnauthenticatedBytes = config.values['sasl.server.max.receive.size'];
  }

  /** Builds every listener's security; rejects naming each configuration problem. */
  static async open(
    config: BrokerConfig,
    logger: Logger,
    options: BrokerSecurityOptions,
  ): Promise<BrokerSecurity> {
    const security = new BrokerSecurity(config);
    const errors: string[] = [];
    for (const listener of config.listeners) {
      try {
        await security.openListener(config, listener, logger, options);
      } catch (err) {
        errors.push(`listener ${listener.name}: ${(err as Error).message}`);
      }
    }
    if (errors.length > 0) {
      throw new Error(`invalid broker configuration:\n  ${errors.join('\n  ')}`);
    }
    return security;
  }

  /**
   * How this broker connects to the others: the security of the inter-broker listener
   * (`inter.broker.listener.name`, else the PLAINTEXT listener, else the first), with this
   * broker's TLS settings of that listener and, on SASL, `sasl.mechanism.inter.broker.protocol`
   * logging in with the `username` and `password` of that mechanism's JAAS configuration, as
   * Kafka's brokers do. Undefined for PLAINTEXT. Throws naming the key that is missing.
   */
  interBrokerSecurity(config: BrokerConfig): (() => Promise<InterBrokerSecurity>) | undefined {
    const named = config.values['inter.broker.listener.name'];
    const listeners = config.listeners;
    const listener =
      named === null
        ? (listeners.find((l) => (l.securityProtocol ?? 'PLAINTEXT') === 'PLAINTEXT') ??
          listeners[0])
        : listeners.find((l) => l.name.toUpperCase() === String(named).toUpperCase());
    if (listener === undefined) return undefined;
    const protocol = listener.securityProtocol ?? 'PLAINTEXT';
    if (protocol === 'PLAINTEXT') return undefined;
    const get = listenerConfig(config, listener.name);
    let sasl: InterBrokerSecurity['sasl'];
    if (protocol === 'SASL_PLAINTEXT' || protocol === 'SASL_SSL') {
      const mechanism = (get('sasl.mechanism.inter.broker.protocol') ?? 'GSSAPI').toUpperCase();
      if (mechanism !== 'PLAIN' && mechanism !== 'SCRAM-SHA-256' && mechanism !== 'SCRAM-SHA-512') {
        throw new Error(
          `sasl.mechanism.inter.broker.protocol=${mechanism}: brokers log in to each other with PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512 on listener ${listener.name}; set it to one of those`,
        );
      }
      const jaas = jaasOf(mechanism, get);
      const username = jaas?.options.get('username');
      const password = jaas?.options.get('password');
      if (username === undefined || password === undefined) {
        throw new Error(
          `${jaasKey(mechanism).replace('<listener>', listener.name.toLowerCase())} needs username="..." password="..." for the brokers' own login`,
        );
      }
      sasl = { mechanism, username, password };
    }
    const tls = this.tls.get(listener.name);
    return async () => ({
      ...(tls === undefined ? {} : { tls: await tls.clientOptions() }),
      ...(sasl === undefined ? {} : { sasl }),
    });
  }

  /** SCRAM credentials come from the metadata image, open after the listeners. */
  useScramCredentials(lookup: ScramCredentialLookup): void {
    this.scramLookup = lookup;
  }

  private scram(
    user: string,
    mechanism: (typeof SCRAM_MECHANISMS)[number],
  ): ScramCredential | undefined {
    return this.scramLookup(user, mechanism);
  }

  private async openListener(
    config: BrokerConfig,
    listener: ListenerAddress,
    logger: Logger,
    options: BrokerSecurityOptions,
  ): Promise<void> {
    const protocol = listener.securityProtocol ?? 'PLAINTEXT';
    const get = listenerConfig(config, listener.name);
    if (protocol === 'SSL' || protocol === 'SASL_SSL') {
      this.tls.set(listener.name, await ListenerTls.open(listener.name, get, logger));
    }
    if (protocol !== 'SASL_PLAINTEXT' && protocol !== 'SASL_SSL') return;
    const mechanisms = new Map<string, SaslMechanism>();
    const names = listOf(get('sasl.enabled.mechanisms')).map((m) => m.toUpperCase());
    for (const name of names) {
      if (name === 'GSSAPI') {
        logger.warn(`listener ${listener.name}: GSSAPI (Kerberos) is not supported; not offered`);
        continue;
      }
      mechanisms.set(name, await this.mechanism(name, get, options));
    }
    if (mechanisms.size === 0) {
      throw new Error(
        'sasl.enabled.mechanisms names no mechanism Rivulet offers (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512, OAUTHBEARER)',
      );
    }
    const maxReauthMs = Number(get('connections.max.reauth.ms') ?? 0);
    this.sasl.set(listener.name, { mechanisms, maxReauthMs });
  }

  private async mechanism(
    name: string,
    get: ListenerConfig,
    options: BrokerSecurityOptions,
  ): Promise<SaslMechanism> {
    const jaas = jaasOf(name, get);
    const scram = SCRAM_MECHANISMS.find((m) => m.name === name);
    if (scram !== undefined) return new ScramMechanism(scram, (u, m) => this.scram(u, m));
    if (name === 'PLAIN') {
      if (jaas === null)
        throw new Error(`PLAIN needs ${jaasKey(name)} with user_<name>="<password>" options`);
      const users = new Map<string, string>();
      for (const [k, v] of jaas.options) if (k.startsWith('user_')) users.set(k.slice(5), v);
      return new PlainMechanism(users);
    }
    if (name === 'OAUTHBEARER') {
      const handler = get('oauthbearer.sasl.server.callback.handler.class') ?? '';
      const jwks = get('sasl.oauthbearer.jwks.endpoint.url');
      if (jwks !== null || handler.endsWith('OAuthBearerValidatorCallbackHandler')) {
        if (jwks === null)
          throw new Error('OAUTHBEARER JWT validation needs sasl.oauthbearer.jwks.endpoint.url');
        const validator = await jwtValidator({
          jwksUrl: jwks,
          refreshMs: Number(get('sasl.oauthbearer.jwks.endpoint.refresh.ms') ?? 3600000),
          audience: listOf(get('sasl.oauthbearer.expected.audience')),
          issuer: get('sasl.oauthbearer.expected.issuer'),
          subClaimName: get('sasl.oauthbearer.sub.claim.name') ?? 'sub',
          clockSkewSeconds: Number(get('sasl.oauthbearer.clock.skew.seconds') ?? 30),
        });
        return new OAuthBearerMechanism(validator);
      }
      return new OAuthBearerMechanism(
        unsecuredJwsValidator(jaas?.options ?? new Map(), options.nowMs),
      );
    }
    throw new Error(`sasl.enabled.mechanisms: ${name} is not supported`);
  }
}

function jaasKey(mechanism: string): string {
  return `listener.name.<listener>.${mechanism.toLowerCase()}.sasl.jaas.config`;
}

/** The listener's JAAS entry for `mechanism` (per mechanism, else sasl.jaas.config). */
function jaasOf(mechanism: string, get: ListenerConfig): JaasEntry | null {
  const text = get(`${mechanism.toLowerCase()}.sasl.jaas.config`) ?? get('sasl.jaas.config');
  if (text === null) return null;
  const parsed = parseJaasConfig(text);
  // The message never quotes the value: it holds passwords.
  if (typeof parsed === 'string') throw new Error(`${jaasKey(mechanism)}: ${parsed}`);
  return parsed[0]!;
}
