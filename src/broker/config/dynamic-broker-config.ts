// Dynamic broker configs (Kafka's DynamicBrokerConfig): broker keys changed at run time through
// AlterConfigs/IncrementalAlterConfigs, kept in the metadata log as ConfigRecords for the
// BROKER resource (name = node id for one broker, '' for the cluster-wide default). A key's
// value comes from the first layer that sets it: DYNAMIC_BROKER_CONFIG (this node),
// DYNAMIC_DEFAULT_BROKER_CONFIG (cluster default), STATIC_BROKER_CONFIG (server.properties and
// overrides), DEFAULT_CONFIG (Kafka's default).
import { parseValue, defaultOf, type ConfigKey } from './config-key.js';
import { BROKER_CONFIG_KEYS } from './broker-config-keys.js';
import type { BrokerConfig, DynamicBrokerLayers } from './broker-config.js';
import { TOPIC_CONFIG_KEYS } from './topic-config-keys.js';

export type BrokerConfigSource =
  | 'DYNAMIC_BROKER_CONFIG'
  | 'DYNAMIC_DEFAULT_BROKER_CONFIG'
  | 'STATIC_BROKER_CONFIG'
  | 'DEFAULT_CONFIG';

const BY_NAME: ReadonlyMap<string, ConfigKey> = new Map(BROKER_CONFIG_KEYS.map((k) => [k.name, k]));

/**
 * Kafka's reconfigurable log configs: the first broker synonym of each topic config
 * (log.retention.ms, not log.retention.hours). Rivulet applies them at once: every topic
 * without its own override follows the new value.
 */
const LOG_KEYS = TOPIC_CONFIG_KEYS.flatMap((k) => (k.synonyms[0] ? [k.synonyms[0].name] : []));

/** Kafka's dynamic thread-pool and cleaner-thread keys; Rivulet has no such pools. */
const THREAD_KEYS = [
  'num.io.threads',
  'num.replica.fetchers',
  'num.recovery.threads.per.data.dir',
  'background.threads',
  'log.cleaner.threads',
];

/** Keys dynamic in Kafka that Rivulet reads only at start-up; refused rather than ignored. */
const STARTUP_ONLY_KEYS = new Set([
  'listeners',
  'advertised.listeners',
  'listener.security.protocol.map',
  'max.connections',
  'max.connections.per.ip',
  'max.connections.per.ip.overrides',
  'log.cleaner.dedupe.buffer.size',
  'log.cleaner.io.buffer.size',
  'log.cleaner.io.buffer.load.factor',
  'log.cleaner.io.max.bytes.per.second',
  'log.cleaner.backoff.ms',
  'producer.id.expiration.ms',
]);

/** Replication throttles (KIP-73): `reassign-partitions --throttle` sets them per broker. */
const THROTTLE_KEYS = ['leader.replication.throttled.rate', 'follower.replication.throttled.rate'];

const DYNAMIC_KEYS: ReadonlySet<string> = new Set([...LOG_KEYS, ...THREAD_KEYS, ...THROTTLE_KEYS]);

/** Whether Kafka and Rivulet can change `name` at run time (DescribeConfigs: not read-only). */
export function isDynamicBrokerConfig(name: string): boolean {
  return DYNAMIC_KEYS.has(name);
}

/**
 * Broker keys that name the same setting, highest precedence first, as Kafka's
 * DynamicBrokerConfig.brokerConfigSynonyms: log.retention.ms/minutes/hours and friends.
 */
export function brokerConfigSynonyms(name: string): string[] {
  const groups = [
    ['log.roll.ms', 'log.roll.hours'],
    ['log.roll.jitter.ms', 'log.roll.jitter.hours'],
    ['log.flush.interval.ms', 'log.flush.scheduler.interval.ms'],
    ['log.retention.ms', 'log.retention.minutes', 'log.retention.hours'],
  ];
  // log.flush.scheduler.interval.ms is only the default of log.flush.interval.ms.
  if (name === 'log.flush.scheduler.interval.ms') return [name];
  return groups.find((g) => g.includes(name)) ?? [name];
}

/** Where `name` is set, in precedence order, with each layer's raw value. */
export function brokerConfigLayers(
  config: BrokerConfig,
  name: string,
): { value: string; source: BrokerConfigSource }[] {
  const out: { value: string; source: BrokerConfigSource }[] = [];
  const add = (value: string | null | undefined, source: BrokerConfigSource): void => {
    if (value !== undefined && value !== null) out.push({ value, source });
  };
  add(config.dynamic.perBroker.get(name), 'DYNAMIC_BROKER_CONFIG');
  add(config.dynamic.clusterDefault.get(name), 'DYNAMIC_DEFAULT_BROKER_CONFIG');
  add(config.explicit.get(name), 'STATIC_BROKER_CONFIG');
  add(BY_NAME.get(name)?.defaultValue, 'DEFAULT_CONFIG');
  return out;
}

/**
 * Kafka's ConfigHelper.configSynonyms: every layer's value of every synonym, layer by layer,
 * then everything before the first entry for `name` itself is dropped. So a key whose primary
 * name is unset anywhere (retention.ms with only log.retention.hours) reports no synonyms.
 */
export function configSynonyms(
  config: BrokerConfig,
  name: string,
): { name: string; value: string; source: BrokerConfigSource }[] {
  const names = brokerConfigSynonyms(name);
  const all: { name: string; value: string; source: BrokerConfigSource }[] = [];
  const sources: BrokerConfigSource[] = [
    'DYNAMIC_BROKER_CONFIG',
    'DYNAMIC_DEFAULT_BROKER_CONFIG',
    'STATIC_BROKER_CONFIG',
    'DEFAULT_CONFIG',
  ];
  for (const source of sources) {
    for (const n of names) {
      const layer = brokerConfigLayers(config, n).find((l) => l.source === source);
      if (layer !== undefined) all.push({ name: n, value: layer.value, source });
    }
  }
  const first = all.findIndex((s) => s.name === name);
  return first < 0 ? [] : all.slice(first);
}

/** A broker config change that cannot be accepted: Kafka's INVALID_REQUEST message. */
export function dynamicChangeProblem(configs: ReadonlyMap<string, string>): string | null {
  const names = [...configs.keys()];
  const startupOnly = names.filter((n) => STARTUP_ONLY_KEYS.has(n));
  if (startupOnly.length > 0) {
    return `Rivulet reads these configs only at start-up, so cannot update them dynamically: ${scalaSet(startupOnly)}`;
  }
  // Kafka refuses known keys that are not dynamic; unknown keys (custom plugin settings) pass.
  const nonDynamic = names.filter((n) => BY_NAME.has(n) && !DYNAMIC_KEYS.has(n));
  if (nonDynamic.length > 0) {
    return `Cannot update these configs dynamically: ${scalaSet(nonDynamic)}`;
  }
  for (const [name, raw] of configs) {
    const k = BY_NAME.get(name);
    if (k === undefined) continue;
    const parsed = parseValue(k, raw);
    if ('problem' in parsed) {
      return `Invalid value ${raw} for configuration ${name}: ${parsed.problem}`;
    }
  }
  return null;
}

/** How Scala prints a Set, which Kafka's messages carry. */
function scalaSet(names: readonly string[]): string {
  return `Set(${names.join(', ')})`;
}

/**
 * Sets the dynamic layers of `config` and recomputes its typed values in place, so every
 * holder of the config sees the new effective values. Returns the keys whose value changed.
 */
export function applyDynamicBrokerConfigs(
  config: BrokerConfig,
  layers: DynamicBrokerLayers,
): string[] {
  config.dynamic = {
    perBroker: new Map(layers.perBroker),
    clusterDefault: new Map(layers.clusterDefault),
  };
  const values = config.values as unknown as Record<string, unknown>;
  const changed: string[] = [];
  for (const k of BROKER_CONFIG_KEYS) {
    // Dynamic values were checked when written; one that does not parse (written by another
    // tool) is skipped, as Kafka skips invalid dynamic configs on replay.
    let value: unknown = defaultOf(k);
    for (const layer of brokerConfigLayers(config, k.name)) {
      if (layer.source === 'DEFAULT_CONFIG') break;
      const parsed = parseValue(k, layer.value);
      if ('value' in parsed) {
        value = parsed.value;
        break;
      }
    }
    if (JSON.stringify(values[k.name]) !== JSON.stringify(value)) {
      values[k.name] = value;
      changed.push(k.name);
    }
  }
  return changed;
}
