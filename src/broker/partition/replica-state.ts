// A partition's replica state, as Kafka's `Partition` keeps it: its role on this node (leader
// or follower), the assigned replicas, the in-sync replicas (ISR), what the leader knows of each
// follower (log end offset, last time it was caught up) and the high watermark.
//
// Kafka's rule for the high watermark: the leader advances it to the smallest log end offset
// among the replicas of the ISR (its own included), and never moves it back. On a single node
// the ISR is this broker alone, so the high watermark follows every local append. A follower
// takes the leader's high watermark, bounded by its own log end (the replica fetcher's job).
//
// ISR changes are the controller's: the leader only proposes them (AlterPartition, with the
// partition epoch as the fence) and applies the new ISR when the PartitionChangeRecord comes
// back through metadata replay. While a proposal is in flight (`pendingIsr`), no other is made.
export type PartitionRole = 'leader' | 'follower';

/** The partition's assignment in the metadata image (PartitionRecord/PartitionChangeRecord). */
export interface ReplicaAssignment {
  leader: number;
  leaderEpoch: number;
  replicas: readonly number[];
  isr: readonly number[];
  /** Bumped by every PartitionChangeRecord: the fence of AlterPartition (-1: unknown). */
  partitionEpoch?: number;
}

export interface FollowerState {
  logEndOffset: number;
  /** When the follower last had everything the leader had (-1: never); see updateFollower. */
  lastCaughtUpTimeMs: number;
  /** The leader's log end offset and the time at the follower's previous fetch. */
  lastFetchLeaderLogEndOffset: number;
  lastFetchTimeMs: number;
}

export class ReplicaState {
  role: PartitionRole;
  leader: number;
  replicas: readonly number[];
  isr: readonly number[];
  partitionEpoch: number;
  /** The ISR this leader proposed to the controller and has not seen come back yet. */
  pendingIsr: readonly number[] | null = null;
  /** The log end offset when this node took the leadership (its epoch's start). */
  leaderEpochStartOffset = 0;
  private hw: number;
  /** The other replicas of the assignment; kept only while this node leads. */
  private readonly followers = new Map<number, FollowerState>();

  constructor(
    readonly localId: number,
    assignment: ReplicaAssignment,
    highWatermark: number,
    /** When this state starts; a leader's ISR followers count as caught up then. */
    nowMs = -1,
  ) {
    this.role = assignment.leader === localId ? 'leader' : 'follower';
    this.leader = assignment.leader;
    this.replicas = assignment.replicas;
    this.isr = assignment.isr;
    this.partitionEpoch = assignment.partitionEpoch ?? -1;
    this.hw = highWatermark;
    if (this.role === 'leader') this.resetFollowers(nowMs);
  }

  get highWatermark(): number {
    return this.hw;
  }

  get isLeader(): boolean {
    return this.role === 'leader';
  }

  follower(replicaId: number): FollowerState | undefined {
    return this.followers.get(replicaId);
  }

  /**
   * Takes the leadership: followers start unknown, as in Kafka, until they fetch; the ISR
   * members count as caught up now, so none is dropped before it had a chance to fetch.
   */
  becomeLeader(assignment: ReplicaAssignment, opts: { nowMs: number; logEndOffset: number }): void {
    this.role = 'leader';
    this.leader = assignment.leader;
    this.replicas = assignment.replicas;
    this.isr = assignment.isr;
    this.partitionEpoch = assignment.partitionEpoch ?? this.partitionEpoch;
    this.pendingIsr = null;
    this.leaderEpochStartOffset = opts.logEndOffset;
    this.resetFollowers(opts.nowMs);
  }

  becomeFollower(assignment: ReplicaAssignment): void {
    this.role = 'follower';
    this.leader = assignment.leader;
    this.replicas = assignment.replicas;
    this.isr = assignment.isr;
    this.partitionEpoch = assignment.partitionEpoch ?? this.partitionEpoch;
    this.pendingIsr = null;
    this.followers.clear();
  }

  /** A new ISR from the metadata image while the leadership stays (an ISR shrink or expand). */
  updateIsr(isr: readonly number[], partitionEpoch?: number): void {
    this.isr = isr;
    if (partitionEpoch !== undefined) this.partitionEpoch = partitionEpoch;
    this.pendingIsr = null;
  }

  /**
   * New replicas and ISR while the leadership stays (a reassignment adds or removes replicas):
   * an added replica starts unknown and out of sync until it fetches; a removed one is
   * forgotten.
   */
  updateAssignment(assignment: ReplicaAssignment): void {
    this.updateIsr(assignment.isr, assignment.partitionEpoch);
    this.replicas = assignment.replicas;
    if (this.role !== 'leader') return;
    for (const id of this.followers.keys()) {
      if (!this.replicas.includes(id)) this.followers.delete(id);
    }
    for (const id of this.replicas) {
      if (id === this.localId || this.followers.has(id)) continue;
      this.followers.set(id, {
        logEndOffset: -1,
        lastCaughtUpTimeMs: -1,
        lastFetchLeaderLogEndOffset: Number.MAX_SAFE_INTEGER,
        lastFetchTimeMs: -1,
      });
    }
  }

  /**
   * Kafka's expand rule: a follower outside the ISR rejoins once its log end reaches the high
   * watermark and the start of the current leader epoch (so it has every record this leader
   * acknowledged, and none of an older leader's divergent suffix). Null: no change to propose.
   */
  expandCandidate(replicaId: number): readonly number[] | null {
    if (this.role !== 'leader' || this.pendingIsr !== null) return null;
    if (this.isr.includes(replicaId)) return null;
    const state = this.followers.get(replicaId);
    if (state === undefined) return null;
    if (state.logEndOffset < this.hw || state.logEndOffset < this.leaderEpochStartOffset) {
      return null;
    }
    return [...this.isr, replicaId];
  }

  /**
   * Kafka's shrink rule: ISR followers that have not caught up with the leader's log end for
   * `lagMs` leave. Null: no change to propose.
   */
  shrinkCandidate(nowMs: number, lagMs: number): readonly number[] | null {
    if (this.role !== 'leader' || this.pendingIsr !== null) return null;
    const out = this.isr.filter((id) => {
      if (id === this.localId) return false;
      const state = this.followers.get(id);
      return state === undefined || nowMs - state.lastCaughtUpTimeMs > lagMs;
    });
    if (out.length === 0) return null;
    return this.isr.filter((id) => !out.includes(id));
  }

  /**
   * Records a follower's fetch (its fetch offset is its log end offset). Returns false for a
   * replica that is not a follower of this partition (or when this node does not lead).
   */
  updateFollower(
    replicaId: number,
    fetch: { logEndOffset: number; leaderLogEndOffset: number; nowMs: number },
  ): boolean {
    const state = this.followers.get(replicaId);
    if (state === undefined) return false;
    state.logEndOffset = fetch.logEndOffset;
    // Kafka's rule: a follower at the leader's log end is caught up now; one that reached where
    // the leader's log ended at its previous fetch was caught up then. Under a steady stream of
    // appends a follower is never at the current end, yet it is not lagging.
    if (fetch.logEndOffset >= fetch.leaderLogEndOffset) {
      state.lastCaughtUpTimeMs = fetch.nowMs;
    } else if (fetch.logEndOffset >= state.lastFetchLeaderLogEndOffset) {
      state.lastCaughtUpTimeMs = Math.max(state.lastCaughtUpTimeMs, state.lastFetchTimeMs);
    }
    state.lastFetchLeaderLogEndOffset = fetch.leaderLogEndOffset;
    state.lastFetchTimeMs = fetch.nowMs;
    return true;
  }

  /**
   * Kafka's rule: the high watermark is the smallest log end offset of the ISR. Returns true
   * when it moved (forward only). A follower's high watermark comes from its leader instead.
   */
  maybeIncrementHighWatermark(localLogEndOffset: number): boolean {
    if (this.role !== 'leader') return false;
    let minimum = localLogEndOffset;
    for (const id of this.isr) {
      if (id === this.localId) continue;
      // An ISR member that has not fetched since this node took the leadership holds it back.
      const leo = this.followers.get(id)?.logEndOffset ?? -1;
      if (leo < minimum) minimum = leo;
    }
    if (minimum <= this.hw) return false;
    this.hw = minimum;
    return true;
  }

  /** A follower takes its leader's high watermark, never past its own log end. */
  setFollowerHighWatermark(leaderHighWatermark: number, localLogEndOffset: number): void {
    this.hw = Math.min(leaderHighWatermark, localLogEndOffset);
  }

  private resetFollowers(nowMs: number): void {
    this.followers.clear();
    for (const id of this.replicas) {
      if (id === this.localId) continue;
      const caughtUp = this.isr.includes(id) ? nowMs : -1;
      this.followers.set(id, {
        logEndOffset: -1,
        lastCaughtUpTimeMs: caughtUp,
        lastFetchLeaderLogEndOffset: Number.MAX_SAFE_INTEGER,
        lastFetchTimeMs: -1,
      });
    }
  }
}
