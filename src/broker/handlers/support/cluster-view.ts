// How the handlers see the cluster: the live brokers and their addresses, the controller, the
// offline replicas. On a single node that is this broker alone, as before cluster mode.
import type { PartitionImage } from '../../../metadata/index.js';
import type { BrokerContext } from '../../broker-context.js';
import { advertisedFor } from './advertised-listener.js';

export interface BrokerAddress {
  nodeId: number;
  host: string;
  port: number;
  rack: string | null;
}

/** Every live (registered, unfenced) broker at its address on `listenerName`, by id. */
export function liveBrokerAddresses(broker: BrokerContext, listenerName: string): BrokerAddress[] {
  const out: BrokerAddress[] = [];
  const self = broker.config.nodeId;
  if (broker.cluster === undefined) {
    // Without etcd: this broker at its advertised address, then any other registered, unfenced
    // broker sharing its metadata log (brokers of one process in the tests), so that clients
    // reach the leaders of partitions this one does not lead.
    const address = advertisedFor(broker, listenerName);
    if (address !== undefined) out.push({ nodeId: self, ...address, rack: null });
  }
  for (const b of broker.metadata.image.brokers()) {
    if (b.fenced || (broker.cluster === undefined && b.brokerId === self)) continue;
    const endpoint = b.endpoints.find((e) => e.name === listenerName) ?? b.endpoints[0];
    if (endpoint === undefined) continue;
    out.push({ nodeId: b.brokerId, host: endpoint.host, port: endpoint.port, rack: b.rack });
  }
  return out;
}

/** One broker's address on `listenerName`, if it is live. */
export function brokerAddress(
  broker: BrokerContext,
  nodeId: number,
  listenerName: string,
): BrokerAddress | undefined {
  return liveBrokerAddresses(broker, listenerName).find((b) => b.nodeId === nodeId);
}

/** The active controller's id (this node on a single node; -1 while none is elected). */
export function controllerIdOf(broker: BrokerContext): number {
  return broker.cluster?.controllerId() ?? broker.config.nodeId;
}

/**
 * Whether a controller API must be refused with NOT_CONTROLLER: in a cluster, only the active
 * controller answers AlterPartition. Topic and partition creation and deletion are answered by
 * any broker (their records are appended with compare-and-swap and built again on the newest
 * image when another writer came first), which is what clients see of Kafka's forwarding to
 * the controller (KIP-590).
 */
export function notController(broker: BrokerContext): boolean {
  return broker.cluster !== undefined && !broker.cluster.isActiveController();
}

/** The replicas of `p` whose broker is not live (fenced or never registered). */
export function offlineReplicas(broker: BrokerContext, p: PartitionImage): number[] {
  if (broker.cluster === undefined) return [];
  const image = broker.metadata.image;
  return p.replicas.filter((id) => {
    const b = image.broker(id);
    return b === undefined || b.fenced;
  });
}
