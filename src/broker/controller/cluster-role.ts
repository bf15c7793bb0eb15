// What the request handlers need to know about this broker's place in a cluster on etcd.
export interface ClusterRole {
  /** The active controller's node id; -1 while none is elected. */
  controllerId(): number;
  /** Whether this broker is the active controller (it alone writes controller records). */
  isActiveController(): boolean;
  /**
   * Whether this broker may act as a partition leader now: its registration lease is surely
   * still alive (the last keep-alive was sent less than the lease's TTL ago) and the image
   * holds its current registration, unfenced, so any fencing of an earlier one is replayed.
   */
  mayLead(): boolean;
}
