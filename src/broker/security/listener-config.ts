// A listener's view of the broker configuration: Kafka lets every security key be given for one
// listener as `listener.name.<listener>.<key>` (listener name in lower case), which wins over
// the plain key. Dynamic per-broker configs (AlterConfigs) outrank static ones, as in Kafka.
import type { BrokerConfig } from '../config/index.js';

export type ListenerConfig = (key: string) => string | null;

/** The raw value of `key` for `listenerName`, or null when neither form is set. */
export function listenerConfig(config: BrokerConfig, listenerName: string): ListenerConfig {
  const prefix = `listener.name.${listenerName.toLowerCase()}.`;
  return (key) => {
    for (const name of [prefix + key, key]) {
      const value =
        config.dynamic.perBroker.get(name) ??
        config.dynamic.clusterDefault.get(name) ??
        config.explicit.get(name);
      if (value !== undefined) return value;
    }
    const typed = (config.values as Record<string, unknown>)[key];
    if (typed === null || typed === undefined) return null;
    return Array.isArray(typed) ? typed.join(',') : String(typed);
  };
}

/** A comma-separated list value as its trimmed, non-empty items. */
export function listOf(value: string | null): string[] {
  if (value === null) return [];
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}
