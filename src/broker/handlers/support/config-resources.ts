// Shared by CreateTopics, DescribeConfigs, AlterConfigs and IncrementalAlterConfigs: Kafka's
// config resource types, sources and value types on the wire; describing topic and broker
// configs; validating topic overrides.
import { ErrorCode } from '../../../protocol/index.js';
import {
  BROKER_CONFIG_KEYS,
  brokerConfigLayers,
  configSynonyms,
  describeGroupConfigs,
  describeTopicConfig,
  groupConfigKey,
  isDynamicBrokerConfig,
  topicConfigKey,
  topicConfigNames,
  validateTopicConfig,
  type BrokerConfig,
  type ConfigKey,
  type ConfigType,
  type TopicConfigSource,
} from '../../config/index.js';

/** ConfigResource.Type codes. */
export const ResourceType = Object.freeze({
  Unknown: 0,
  Topic: 2,
  Broker: 4,
  BrokerLogger: 8,
  ClientMetrics: 16,
  Group: 32,
} as const);

/** DescribeConfigsResponse.ConfigSource codes. */
export const ConfigSource = Object.freeze({
  Unknown: 0,
  DynamicTopicConfig: 1,
  DynamicBrokerConfig: 2,
  DynamicDefaultBrokerConfig: 3,
  StaticBrokerConfig: 4,
  DefaultConfig: 5,
} as const);

const SOURCE_CODE: Record<TopicConfigSource, number> = {
  DYNAMIC_TOPIC_CONFIG: ConfigSource.DynamicTopicConfig,
  DYNAMIC_BROKER_CONFIG: ConfigSource.DynamicBrokerConfig,
  DYNAMIC_DEFAULT_BROKER_CONFIG: ConfigSource.DynamicDefaultBrokerConfig,
  STATIC_BROKER_CONFIG: ConfigSource.StaticBrokerConfig,
  DEFAULT_CONFIG: ConfigSource.DefaultConfig,
};

/** DescribeConfigsResponse.ConfigType codes. */
const TYPE_CODE: Record<ConfigType, number> = {
  boolean: 1,
  string: 2,
  int: 3,
  long: 5,
  double: 6,
  list: 7,
  password: 9,
};

export interface DescribedConfig {
  name: string;
  value: string | null;
  readOnly: boolean;
  configSource: number;
  isSensitive: boolean;
  synonyms: { name: string; value: string | null; source: number }[];
  configType: number;
  documentation: string | null;
}

export interface DescribeOptions {
  /** The keys to describe (unknown ones are left out); null for all. */
  names: readonly string[] | null;
  includeSynonyms: boolean;
  includeDocumentation: boolean;
}

/** Every topic config (or the named ones that exist) of a topic with these overrides. */
export function describeTopicConfigs(
  overrides: ReadonlyMap<string, string>,
  broker: BrokerConfig,
  options: DescribeOptions,
): DescribedConfig[] {
  const out: DescribedConfig[] = [];
  for (const name of options.names ?? topicConfigNames()) {
    const entry = describeTopicConfig(name, overrides, broker);
    const key = topicConfigKey(name);
    if (entry === undefined || key === undefined) continue;
    out.push({
      name,
      value: key.type === 'password' ? null : entry.value,
      readOnly: false,
      configSource: SOURCE_CODE[entry.source],
      isSensitive: key.type === 'password',
      synonyms: options.includeSynonyms
        ? entry.synonyms.map((s) => ({
            name: s.name,
            value: s.value,
            source: SOURCE_CODE[s.source],
          }))
        : [],
      configType: TYPE_CODE[key.type],
      documentation: options.includeDocumentation ? key.doc : null,
    });
  }
  return out;
}

const BROKER_KEYS: ReadonlyMap<string, ConfigKey> = new Map(
  BROKER_CONFIG_KEYS.map((k) => [k.name, k as ConfigKey]),
);

/**
 * Broker configs as Kafka's ConfigHelper describes them. For this node (`perBroker`): every
 * key with its value from the highest layer (dynamic per-broker, dynamic default, static,
 * default) and that layer as source; read-only unless the key can change at run time. For
 * the cluster default (resource name ''): only the keys set as dynamic defaults.
 */
export function describeBrokerConfigs(
  broker: BrokerConfig,
  options: DescribeOptions & { perBroker: boolean },
): DescribedConfig[] {
  const out: DescribedConfig[] = [];
  const all = options.perBroker
    ? [...BROKER_KEYS.keys()].sort()
    : [...broker.dynamic.clusterDefault.keys()].sort();
  for (const name of options.names ?? all) {
    if (!all.includes(name)) continue;
    const key = BROKER_KEYS.get(name);
    const sensitive = key?.type === 'password';
    const synonyms = configSynonyms(broker, name)
      .filter((s) => options.perBroker || s.source === 'DYNAMIC_DEFAULT_BROKER_CONFIG')
      .map((s) => ({
        name: s.name,
        value: sensitive ? null : s.value,
        source: SOURCE_CODE[s.source],
      }));
    const value = options.perBroker
      ? (brokerConfigLayers(broker, name)[0]?.value ?? null)
      : (broker.dynamic.clusterDefault.get(name) ?? null);
    out.push({
      name,
      value: sensitive ? null : value,
      readOnly: !isDynamicBrokerConfig(name),
      configSource: synonyms[0]?.source ?? ConfigSource.DefaultConfig,
      isSensitive: sensitive,
      synonyms: options.includeSynonyms ? synonyms : [],
      // Keys Rivulet does not know (custom settings stored as dynamic defaults): UNKNOWN.
      configType: key === undefined ? 0 : TYPE_CODE[key.type],
      documentation: options.includeDocumentation ? (key?.doc ?? null) : null,
    });
  }
  return out;
}

/** GROUP_CONFIG: a group's own config (DescribeConfigsResponse.ConfigSource 8). */
const GROUP_CONFIG_SOURCE = 8;

/** A group's configs as Kafka's ConfigHelper.createGroupConfigEntry describes them. */
export function describeGroupConfigEntries(
  overrides: ReadonlyMap<string, string>,
  broker: BrokerConfig,
  options: DescribeOptions,
): DescribedConfig[] {
  const entries = describeGroupConfigs(overrides, broker);
  const names = options.names ?? entries.map((e) => e.name);
  return entries
    .filter((e) => names.includes(e.name))
    .map((e) => {
      const source = e.source === 'GROUP_CONFIG' ? GROUP_CONFIG_SOURCE : ConfigSource.DefaultConfig;
      const key = groupConfigKey(e.name)!;
      return {
        name: e.name,
        value: e.value,
        readOnly: false,
        configSource: source,
        isSensitive: false,
        synonyms: options.includeSynonyms ? [{ name: e.name, value: e.value, source }] : [],
        configType: TYPE_CODE[key.type],
        documentation: options.includeDocumentation ? key.doc : null,
      };
    });
}

export interface ConfigProblem {
  errorCode: number;
  errorMessage: string;
}

/** Checks topic overrides as a whole; null values are refused as Kafka does. */
export function checkTopicOverrides(
  configs: readonly { name: string; value: string | null }[],
): { overrides: Map<string, string> } | ConfigProblem {
  const overrides = new Map<string, string>();
  for (const { name, value } of configs) {
    if (value === null) {
      return invalidConfig(`Null value not supported for topic configs: ${name}`);
    }
    overrides.set(name, value);
  }
  const checked = validateTopicConfig(overrides);
  if ('problems' in checked) {
    return invalidConfig(checked.problems.map((p) => p.message).join('; '));
  }
  return { overrides };
}

export function invalidConfig(errorMessage: string): ConfigProblem {
  return { errorCode: ErrorCode.INVALID_CONFIG, errorMessage };
}

export function isListConfig(name: string): boolean {
  return topicConfigKey(name)?.type === 'list';
}

/**
 * Whether a broker resource name addresses this broker: its id, or '' for the cluster-wide
 * default.
 */
export function isThisBroker(resourceName: string, nodeId: number): boolean {
  return resourceName === '' || resourceName === String(nodeId);
}
