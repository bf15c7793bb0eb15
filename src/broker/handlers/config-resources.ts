// Shared by CreateTopics, DescribeConfigs, AlterConfigs and IncrementalAlterConfigs: Kafka's
// config resource types, sources and value types on the wire; describing topic and broker
// configs; validating topic overrides.
import { ErrorCode } from '../../protocol/index.js';
import {
  BROKER_CONFIG_KEYS,
  describeTopicConfig,
  topicConfigKey,
  topicConfigNames,
  validateTopicConfig,
  type BrokerConfig,
  type ConfigKey,
  type ConfigType,
  type TopicConfigSource,
} from '../config/index.js';

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
  includeSynonyms: boolean;
  includeDocumentation: boolean;
}

/** Every topic config (or the named ones that exist) of a topic with these overrides. */
export function describeTopicConfigs(
  overrides: ReadonlyMap<string, string>,
  broker: BrokerConfig,
  names: readonly string[] | null,
  options: DescribeOptions,
): DescribedConfig[] {
  const out: DescribedConfig[] = [];
  for (const name of names ?? topicConfigNames()) {
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
 * The broker's configs: set in server.properties/overrides (STATIC_BROKER_CONFIG) or Kafka's
 * defaults (DEFAULT_CONFIG). All are read-only: Rivulet has no dynamic broker configs.
 */
export function describeBrokerConfigs(
  broker: BrokerConfig,
  names: readonly string[] | null,
  options: DescribeOptions,
): DescribedConfig[] {
  const out: DescribedConfig[] = [];
  for (const name of names ?? [...BROKER_KEYS.keys()].sort()) {
    const key = BROKER_KEYS.get(name);
    if (key === undefined) continue;
    const explicit = broker.explicit.get(name);
    const sensitive = key.type === 'password';
    const value = sensitive ? null : (explicit ?? key.defaultValue);
    const source =
      explicit !== undefined ? ConfigSource.StaticBrokerConfig : ConfigSource.DefaultConfig;
    out.push({
      name,
      value,
      readOnly: true,
      configSource: source,
      isSensitive: sensitive,
      synonyms: options.includeSynonyms ? [{ name, value, source }] : [],
      configType: TYPE_CODE[key.type],
      documentation: options.includeDocumentation ? key.doc : null,
    });
  }
  return out;
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
