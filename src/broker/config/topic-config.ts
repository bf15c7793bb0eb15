// Topic configuration: validating topic-level overrides (CreateTopics, AlterConfigs) and
// resolving each key's effective value and source from the broker's synonyms, which is what
// DescribeConfigs reports.
import { parseValue, type ConfigValue } from './config-key.js';
import type { BrokerConfig } from './broker-config.js';
import {
  brokerConfigLayers,
  configSynonyms,
  type BrokerConfigSource,
} from './dynamic-broker-config.js';
import { TOPIC_CONFIG_KEYS, type TopicConfigKey } from './topic-config-keys.js';

/** Kafka's DescribeConfigs source names for the sources a topic value can have. */
export type TopicConfigSource = 'DYNAMIC_TOPIC_CONFIG' | BrokerConfigSource;

export interface TopicConfigEntry {
  name: string;
  /** Kafka's string form of the effective value. */
  value: string | null;
  source: TopicConfigSource;
  /** Where the value could come from, highest precedence first, with each one's value. */
  synonyms: { name: string; value: string | null; source: TopicConfigSource }[];
}

const BY_NAME: ReadonlyMap<string, TopicConfigKey> = new Map(
  TOPIC_CONFIG_KEYS.map((k) => [k.name, k as TopicConfigKey]),
);

export function topicConfigKey(name: string): TopicConfigKey | undefined {
  return BY_NAME.get(name);
}

export function topicConfigNames(): string[] {
  return TOPIC_CONFIG_KEYS.map((k) => k.name);
}

/** A topic override that cannot be accepted, for an INVALID_CONFIG error naming the key. */
export interface TopicConfigProblem {
  name: string;
  message: string;
}

/** Validates topic-level overrides; returns the parsed values or the problems, by key. */
export function validateTopicConfig(
  overrides: ReadonlyMap<string, string>,
): { values: Map<string, ConfigValue> } | { problems: TopicConfigProblem[] } {
  const values = new Map<string, ConfigValue>();
  const problems: TopicConfigProblem[] = [];
  for (const [name, raw] of overrides) {
    const k = BY_NAME.get(name);
    if (k === undefined) {
      problems.push({ name, message: `Unknown topic config name: ${name}` });
      continue;
    }
    const parsed = parseValue(k, raw);
    if ('problem' in parsed) problems.push({ name, message: `${name}=${raw}: ${parsed.problem}` });
    else values.set(name, parsed.value);
  }
  return problems.length > 0 ? { problems } : { values };
}

/**
 * The effective value of topic key `name` with its source and synonyms, as Kafka's
 * ConfigHelper reports them: the topic's override, then the synonyms of its first broker key
 * (dynamic per-broker, dynamic default, static, default), which can be none at all when that
 * key is unset everywhere (retention.ms follows log.retention.hours without naming it).
 */
export function describeTopicConfig(
  name: string,
  overrides: ReadonlyMap<string, string>,
  broker: BrokerConfig,
): TopicConfigEntry | undefined {
  const k = BY_NAME.get(name);
  if (k === undefined) return undefined;
  const primary = k.synonyms[0]?.name;
  const synonyms: TopicConfigEntry['synonyms'] =
    primary === undefined ? [] : configSynonyms(broker, primary);
  const own = overrides.get(name);
  if (own !== undefined) {
    synonyms.unshift({ name, value: own, source: 'DYNAMIC_TOPIC_CONFIG' });
    return { name, value: own, source: 'DYNAMIC_TOPIC_CONFIG', synonyms };
  }
  // The value is the broker's: the first synonym with a value in any layer, converted.
  let value: string | null = k.defaultValue;
  for (const s of k.synonyms) {
    const top = brokerConfigLayers(broker, s.name)[0];
    if (top !== undefined) {
      value = scale(top.value, s.factor);
      break;
    }
  }
  return { name, value, source: synonyms[0]?.source ?? 'DEFAULT_CONFIG', synonyms };
}

/** Effective values of every topic key for a topic with `overrides`, as strings. */
export function effectiveTopicConfig(
  overrides: ReadonlyMap<string, string>,
  broker: BrokerConfig,
): Map<string, string | null> {
  const out = new Map<string, string | null>();
  for (const k of TOPIC_CONFIG_KEYS) {
    out.set(k.name, describeTopicConfig(k.name, overrides, broker)!.value);
  }
  return out;
}

/** Converts a synonym's value to the topic key's unit; negative durations mean "none" (-1). */
function scale(raw: string, factor: number): string {
  if (factor === 1) return raw.trim();
  const n = Number(raw.trim());
  if (!Number.isFinite(n)) return raw;
  return n < 0 ? '-1' : String(n * factor);
}
