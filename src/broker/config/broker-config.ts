// Resolves raw broker properties (file + overrides) into a typed configuration, reporting
// unknown keys, recognised-but-unsupported keys and invalid values by name.
import {
  SUPPORTED_SECURITY_PROTOCOLS,
  parseListeners,
  type ListenerAddress,
} from '../server/listener.js';
import {
  defaultOf,
  parseValue,
  type ConfigKey,
  type ConfigValue,
  type ConfigValues,
} from './config-key.js';
import { BROKER_CONFIG_KEYS, UNSUPPORTED_PREFIXES } from './broker-config-keys.js';
import { isListenerSecurityKey } from './security-config-keys.js';

export type BrokerConfigValues = ConfigValues<typeof BROKER_CONFIG_KEYS>;
export type BrokerConfigName = keyof BrokerConfigValues;

/** Dynamic broker configs from the metadata (see dynamic-broker-config.ts). */
export interface DynamicBrokerLayers {
  /** Dynamic configs of this node (resource name = its id). */
  perBroker: ReadonlyMap<string, string>;
  /** Cluster-wide dynamic defaults (resource name ''). */
  clusterDefault: ReadonlyMap<string, string>;
}

const NO_DYNAMIC_CONFIGS: DynamicBrokerLayers = Object.freeze({
  perBroker: new Map<string, string>(),
  clusterDefault: new Map<string, string>(),
});

export interface BrokerConfig {
  /** Every known key's effective value, by Kafka name. */
  values: BrokerConfigValues;
  /** Raw strings of the keys that were set explicitly (DescribeConfigs: STATIC_BROKER_CONFIG). */
  explicit: ReadonlyMap<string, string>;
  /**
   * Dynamic broker configs from the metadata, which outrank `explicit`; `values` already
   * reflects them (see applyDynamicBrokerConfigs).
   */
  dynamic: DynamicBrokerLayers;
  nodeId: number;
  listeners: ListenerAddress[];
  /** null: advertise the listeners as bound. */
  advertisedListeners: ListenerAddress[] | null;
  /** log.dirs, else log.dir. */
  logDirs: string[];
}

export interface ResolvedBrokerConfig {
  /** null when there are errors. */
  config: BrokerConfig | null;
  /** Unknown or unsupported keys, each named. */
  warnings: string[];
  /** Invalid values, each naming its key. */
  errors: string[];
  /** Keys Rivulet does not know at all (each also has a warning). */
  unknown: string[];
}

const BY_NAME: ReadonlyMap<string, ConfigKey> = new Map(BROKER_CONFIG_KEYS.map((k) => [k.name, k]));

/** The definition of a broker key, if Rivulet knows it. */
export function brokerConfigKey(name: string): ConfigKey | undefined {
  return BY_NAME.get(name);
}

/** Resolves properties (later sources already merged in by the caller) into a config. */
export function resolveBrokerConfig(props: ReadonlyMap<string, string>): ResolvedBrokerConfig {
  const warnings: string[] = [];
  const errors: string[] = [];
  // Keys Rivulet knows but does not act on are named together in one warning, so a stock
  // Kafka server.properties gives one line rather than a dozen.
  const ignored: string[] = [];
  const unknown: string[] = [];
  const values: Record<string, ConfigValue | null> = {};
  for (const k of BROKER_CONFIG_KEYS) values[k.name] = defaultOf(k);
  for (const [name, raw] of props) {
    const k = BY_NAME.get(name);
    if (k === undefined) {
      // Per-listener TLS and SASL keys are read by broker/security/ from `explicit`.
      if (isListenerSecurityKey(name)) continue;
      if (UNSUPPORTED_PREFIXES.some((p) => name.startsWith(p))) ignored.push(name);
      else {
        unknown.push(name);
        warnings.push(`${name}: unknown configuration key; ignored`);
      }
      continue;
    }
    if (!k.supported) ignored.push(name);
    const parsed = parseValue(k, raw);
    if ('problem' in parsed) errors.push(`${name}=${raw}: ${parsed.problem}`);
    else values[name] = parsed.value;
  }
  const typed = values as BrokerConfigValues;
  const derived = derive(typed, props, errors, ignored);
  if (ignored.length > 0) {
    warnings.push(`recognised but not supported by Rivulet; ignored: ${ignored.join(', ')}`);
  }
  if (errors.length > 0 || derived === null) return { config: null, warnings, errors, unknown };
  const config = { values: typed, explicit: new Map(props), dynamic: NO_DYNAMIC_CONFIGS };
  return { config: { ...config, ...derived }, warnings, errors, unknown };
}

function derive(
  v: BrokerConfigValues,
  explicit: ReadonlyMap<string, string>,
  errors: string[],
  ignored: string[],
): Omit<BrokerConfig, 'values' | 'explicit' | 'dynamic'> | null {
  const brokerId = v['broker.id'];
  if (brokerId >= 0 && brokerId !== v['node.id']) {
    errors.push(`broker.id=${brokerId}: must equal node.id (${v['node.id']})`);
  }
  const all = parseListeners(v['listeners'].join(','));
  if (typeof all === 'string') errors.push(`listeners: ${all}`);
  const protocols = parseProtocolMap(v['listener.security.protocol.map'], errors);
  const controllers = new Set((v['controller.listener.names'] ?? []).map((n) => n.toUpperCase()));
  const listeners: ListenerAddress[] = [];
  for (const l of Array.isArray(all) ? all : []) {
    // KRaft controller listeners: Rivulet's metadata quorum is local (or etcd), never served.
    if (controllers.has(l.name)) {
      ignored.push(`listener ${l.name} (controller.listener.names)`);
      continue;
    }
    const protocol = protocols.get(l.name);
    if (protocol === undefined) {
      errors.push(`listeners: ${l.name} has no entry in listener.security.protocol.map`);
    } else if (!SUPPORTED_SECURITY_PROTOCOLS.includes(protocol)) {
      errors.push(`listeners: ${l.name} uses ${protocol}, which is not supported yet`);
    } else listeners.push({ ...l, securityProtocol: protocol });
  }
  if (Array.isArray(all) && listeners.length === 0 && errors.length === 0) {
    errors.push('listeners: no listener left to serve clients');
  }
  const interBroker = v['inter.broker.listener.name'];
  if (interBroker !== null && !listeners.some((l) => l.name === interBroker.toUpperCase())) {
    errors.push(`inter.broker.listener.name=${interBroker}: not one of the listeners`);
  }
  let advertised: ListenerAddress[] | string | null = null;
  if (v['advertised.listeners'] !== null) {
    advertised = parseListeners(v['advertised.listeners'].join(','));
    if (typeof advertised === 'string') errors.push(`advertised.listeners: ${advertised}`);
    else advertised = advertised.filter((a) => !controllers.has(a.name));
  }
  const logDirs = v['log.dirs'] ?? [v['log.dir']];
  if (logDirs.length === 0) errors.push('log.dirs: no directory given');
  const queuedBytes = v['queued.max.request.bytes'];
  // Kafka's rule: a frame up to socket.request.max.bytes must fit. Rivulet's default instead
  // grows to socket.request.max.bytes when that is larger (see the broker's limits).
  const maxRequestBytes = v['socket.request.max.bytes'];
  if (
    explicit.has('queued.max.request.bytes') &&
    queuedBytes > 0 &&
    queuedBytes < maxRequestBytes
  ) {
    errors.push(
      `queued.max.request.bytes=${queuedBytes}: must be at least socket.request.max.bytes (${maxRequestBytes})`,
    );
  }
  if (typeof all === 'string' || typeof advertised === 'string') return null;
  return { nodeId: v['node.id'], listeners, advertisedListeners: advertised, logDirs };
}

const SECURITY_PROTOCOLS = ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'];

/**
 * listener.security.protocol.map (`NAME:PROTOCOL,...`). Kafka's default maps each security
 * protocol's name to itself; an explicit map replaces it, as in Kafka.
 */
function parseProtocolMap(value: string, errors: string[]): Map<string, string> {
  const map = new Map<string, string>();
  for (const raw of value.split(',')) {
    const item = raw.trim();
    if (item === '') continue;
    const parts = item.split(':').map((p) => p.trim().toUpperCase());
    if (parts.length !== 2 || parts[0] === '' || !SECURITY_PROTOCOLS.includes(parts[1]!)) {
      errors.push(`listener.security.protocol.map: '${item}' is not of the form NAME:PROTOCOL`);
    } else map.set(parts[0]!, parts[1]!);
  }
  return map;
}
