// KIP-392 (fetch from the closest replica): which replica a consumer should read a partition
// from, chosen by the leader on each consumer fetch that names the client's rack (Fetch v11+
// rack_id, the client's `client.rack`). `replica.selector.class` names the policy with Kafka's
// class names: RackAwareReplicaSelector picks a replica in the client's rack (the leader when it
// is one of them, else the most caught-up one), LeaderSelector (Kafka's default) always the
// leader. The candidates are the leader and the in-sync followers that already hold the fetch
// offset, as Kafka's ReplicaManager.findPreferredReadReplica offers them.

export type ReplicaSelector = 'rack-aware' | 'leader';

export const RACK_AWARE_REPLICA_SELECTOR =
  'org.apache.kafka.common.replica.RackAwareReplicaSelector';
export const LEADER_SELECTOR = 'org.apache.kafka.common.replica.LeaderSelector';

/** The policy a `replica.selector.class` value names; a message for one not supported. */
export function parseReplicaSelector(value: string | null): ReplicaSelector | string {
  if (value === null || value === '' || value === LEADER_SELECTOR) return 'leader';
  if (value === RACK_AWARE_REPLICA_SELECTOR || value === 'RackAwareReplicaSelector') {
    return 'rack-aware';
  }
  return `unsupported replica selector ${value} (supported: ${RACK_AWARE_REPLICA_SELECTOR}, ${LEADER_SELECTOR})`;
}

export interface ReplicaView {
  brokerId: number;
  rack: string | null;
  logEndOffset: number;
}

/**
 * Kafka's RackAwareReplicaSelector.select: the leader when the client names no rack, when no
 * candidate shares its rack, or when the leader does; else the same-rack candidate with the
 * largest log end offset (ties: the lowest broker id, so the answer is stable).
 */
export function selectReadReplica(
  selector: ReplicaSelector,
  view: { leader: ReplicaView; followers: readonly ReplicaView[]; clientRack: string },
): number {
  const { leader, followers, clientRack } = view;
  if (selector === 'leader' || clientRack === '') return leader.brokerId;
  if (leader.rack === clientRack) return leader.brokerId;
  const sameRack = followers.filter((f) => f.rack === clientRack);
  if (sameRack.length === 0) return leader.brokerId;
  const best = sameRack.reduce((a, b) =>
    b.logEndOffset > a.logEndOffset ||
    (b.logEndOffset === a.logEndOffset && b.brokerId < a.brokerId)
      ? b
      : a,
  );
  return best.brokerId;
}
