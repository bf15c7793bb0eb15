// Which address this broker gives clients for itself: Metadata, FindCoordinator and
// DescribeCluster all answer with the advertised listener the request came in on.
import type { BrokerContext } from '../../broker-context.js';

/** This broker's address on `listenerName` (the first advertised one if it has none). */
export function advertisedFor(
  broker: BrokerContext,
  listenerName: string,
): { host: string; port: number } | undefined {
  const all = broker.advertisedListeners();
  const match = all.find((l) => l.name === listenerName) ?? all[0];
  return match === undefined ? undefined : { host: match.host, port: match.port };
}
