export { parseProperties, parseOverride } from './properties.js';
export {
  LONG_MAX,
  INT_MAX,
  parseValue,
  defaultOf,
  type ConfigKey,
  type ConfigType,
  type ConfigValue,
} from './config-key.js';
export { BROKER_CONFIG_KEYS, UNSUPPORTED_PREFIXES } from './broker-config-keys.js';
export { parseConnectionOverrides } from './connection-overrides.js';
export { TOPIC_CONFIG_KEYS, type TopicConfigKey, type Synonym } from './topic-config-keys.js';
export {
  resolveBrokerConfig,
  brokerConfigKey,
  type BrokerConfig,
  type BrokerConfigValues,
  type BrokerConfigName,
  type DynamicBrokerLayers,
  type ResolvedBrokerConfig,
} from './broker-config.js';
export {
  validateTopicConfig,
  describeTopicConfig,
  effectiveTopicConfig,
  topicConfigKey,
  topicConfigNames,
  type TopicConfigEntry,
  type TopicConfigProblem,
  type TopicConfigSource,
} from './topic-config.js';
export {
  applyDynamicBrokerConfigs,
  brokerConfigLayers,
  configSynonyms,
  dynamicChangeProblem,
  isDynamicBrokerConfig,
  type BrokerConfigSource,
} from './dynamic-broker-config.js';
export {
  GROUP_CONFIG_KEYS,
  describeGroupConfigs,
  effectiveGroupConfig,
  groupConfigKey,
  groupConfigProblem,
  type GroupConfigEntry,
} from './group-config-keys.js';
