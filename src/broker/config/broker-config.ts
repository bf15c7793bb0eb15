// Resolves raw broker properties (file + overrides) into a typed configuration, reporting
// unknown keys, recognised-but-unsupported keys and invalid values by name.
import { parseListeners, type ListenerAddress } from '../server/listener.js';
import {
  defaultOf,
  parseValue,
  type ConfigKey,
  type ConfigValue,
  type ConfigValues,
} from './config-key.js';
import { BROKER_CONFIG_KEYS, UNSUPPORTED_PREFIXES } from './broker-config-keys.js';

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
  const values: Record<string, ConfigValue | null> = {};
  for (const k of BROKER_CONFIG_KEYS) values[k.name] = defaultOf(k);
  for (const [name, raw] of props) {
    const k = BY_NAME.get(name);
    if (k === undefined) {
      warnings.push(unknownKeyWarning(name));
      continue;
    }
    if (!k.supported) warnings.push(`${name}: recognised but not supported by Rivulet; ignored`);
    const parsed = parseValue(k, raw);
    if ('problem' in parsed) errors.push(`${name}=${raw}: ${parsed.problem}`);
    else values[name] = parsed.value;
  }
  const typed = values as BrokerConfigValues;
  const derived = derive(typed, props, errors);
  if (errors.length > 0 || derived === null) return { config: null, warnings, errors };
  const config = { values: typed, explicit: new Map(props), dynamic: NO_DYNAMIC_CONFIGS };
  return { config: { ...config, ...derived }, warnings, errors };
}

function unknownKeyWarning(name: string): string {
  if (UNSUPPORTED_PREFIXES.some((p) => name.startsWith(p))) {
    return `${name}: recognised but not supported by Rivulet; ignored`;
  }
  return `${name}: unknown configuration key; ignored`;
}

function derive(
  v: BrokerConfigValues,
  explicit: ReadonlyMap<string, string>,
  errors: string[],
): Omit<BrokerConfig, 'values' | 'explicit' | 'dynamic'> | null {
  const brokerId = v['broker.id'];
  if (brokerId >= 0 && brokerId !== v['node.id']) {
    errors.push(`broker.id=${brokerId}: must equal node.id (${v['node.id']})`);
  }
  const listeners = parseListeners(v['listeners'].join(','));
  if (typeof listeners === 'string') errors.push(`listeners: ${listeners}`);
  let advertised: ListenerAddress[] | string | null = null;
  if (v['advertised.listeners'] !== null) {
    advertised = parseListeners(v['advertised.listeners'].join(','));
    if (typeof advertised === 'string') errors.push(`advertised.listeners: ${advertised}`);
  }
  for (const l of Array.isArray(listeners) ? listeners : []) {
    if (l.name !== 'PLAINTEXT') errors.push(`listeners: ${l.name} is not supported yet`);
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
  if (typeof listeners === 'string' || typeof advertised === 'string') return null;
  return { nodeId: v['node.id'], listeners, advertisedListeners: advertised, logDirs };
}
