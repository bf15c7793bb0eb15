// Group-level configs (GROUP config resources, KIP-848), as Kafka's GroupConfig defines them
// for consumer groups: a group may override the broker's session timeout and heartbeat
// interval within the broker's group.consumer.min/max bounds. Kafka's share.* group configs
// are left out: Rivulet has no share groups.
import { key, parseValue, type ConfigKey } from './config-key.js';
import type { BrokerConfig } from './broker-config.js';

interface GroupConfigKey extends ConfigKey {
  /** The broker key whose value is the default. */
  brokerDefault: string;
  /** Broker keys holding the smallest and largest accepted values. */
  min: string;
  max: string;
}

export const GROUP_CONFIG_KEYS: readonly GroupConfigKey[] = [
  {
    ...key.int('consumer.session.timeout.ms', 45000, 'Session timeout of a consumer group.'),
    brokerDefault: 'group.consumer.session.timeout.ms',
    min: 'group.consumer.min.session.timeout.ms',
    max: 'group.consumer.max.session.timeout.ms',
  },
  {
    ...key.int('consumer.heartbeat.interval.ms', 5000, 'Heartbeat interval of a consumer group.'),
    brokerDefault: 'group.consumer.heartbeat.interval.ms',
    min: 'group.consumer.min.heartbeat.interval.ms',
    max: 'group.consumer.max.heartbeat.interval.ms',
  },
];

const BY_NAME = new Map(GROUP_CONFIG_KEYS.map((k) => [k.name, k]));

export function groupConfigKey(name: string): ConfigKey | undefined {
  return BY_NAME.get(name);
}

export interface GroupConfigEntry {
  name: string;
  value: string;
  /** GROUP_CONFIG when the group overrides it, else DEFAULT_CONFIG (the broker's value). */
  source: 'GROUP_CONFIG' | 'DEFAULT_CONFIG';
}

function brokerValue(broker: BrokerConfig, name: string): number {
  return (broker.values as unknown as Record<string, number>)[name]!;
}

/** Every group config of a group with these overrides, as DescribeConfigs reports them. */
export function describeGroupConfigs(
  overrides: ReadonlyMap<string, string>,
  broker: BrokerConfig,
): GroupConfigEntry[] {
  return GROUP_CONFIG_KEYS.map((k) => {
    const own = overrides.get(k.name);
    return own !== undefined
      ? { name: k.name, value: own, source: 'GROUP_CONFIG' }
      : {
          name: k.name,
          value: String(brokerValue(broker, k.brokerDefault)),
          source: 'DEFAULT_CONFIG',
        };
  });
}

/** The effective values of a group's configs, as numbers by Kafka name. */
export function effectiveGroupConfig(
  overrides: ReadonlyMap<string, string>,
  broker: BrokerConfig,
): Map<string, number> {
  return new Map(describeGroupConfigs(overrides, broker).map((e) => [e.name, Number(e.value)]));
}

/**
 * Kafka's GroupConfig.validate over a group's complete overrides: unknown names, values that
 * do not parse, values outside the broker's bounds, and a session not longer than the
 * heartbeat interval. Returns the INVALID_CONFIG message, or null.
 */
export function groupConfigProblem(
  overrides: ReadonlyMap<string, string>,
  broker: BrokerConfig,
): string | null {
  for (const [name, raw] of overrides) {
    const k = BY_NAME.get(name);
    if (k === undefined) return `Unknown group config name: ${name}`;
    const parsed = parseValue(k, raw);
    if ('problem' in parsed)
      return `Invalid value ${raw} for configuration ${name}: ${parsed.problem}`;
    const n = parsed.value as number;
    if (n < 1) return `Invalid value ${raw} for configuration ${name}: Value must be at least 1`;
    if (n < brokerValue(broker, k.min)) return `${name} must be greater than or equal to ${k.min}`;
    if (n > brokerValue(broker, k.max)) return `${name} must be less than or equal to ${k.max}`;
  }
  const effective = effectiveGroupConfig(overrides, broker);
  if (
    effective.get('consumer.session.timeout.ms')! <=
    effective.get('consumer.heartbeat.interval.ms')!
  ) {
    return 'consumer.session.timeout.ms must be greater than consumer.heartbeat.interval.ms';
  }
  return null;
}
