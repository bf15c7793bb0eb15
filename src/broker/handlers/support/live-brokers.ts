// The brokers a Metadata answer lists: this one at the advertised address of the listener the
// request came in on, and every other registered, unfenced broker at its endpoint of the same
// listener name (its first one if it has none by that name), so clients can reach the leaders
// of partitions this broker does not lead.
import type { BrokerContext } from '../../broker-context.js';
import { advertisedFor } from './advertised-listener.js';

export interface ListedBroker {
  nodeId: number;
  host: string;
  port: number;
  rack: string | null;
}

export function liveBrokersFor(broker: BrokerContext, listenerName: string): ListedBroker[] {
  const self = broker.config.nodeId;
  const own = advertisedFor(broker, listenerName);
  const out: ListedBroker[] = own === undefined ? [] : [{ nodeId: self, ...own, rack: null }];
  for (const b of broker.metadata.image.brokers()) {
    if (b.brokerId === self || b.fenced) continue;
    const e = b.endpoints.find((x) => x.name === listenerName) ?? b.endpoints[0];
    if (e !== undefined) out.push({ nodeId: b.brokerId, host: e.host, port: e.port, rack: b.rack });
  }
  return out;
}
