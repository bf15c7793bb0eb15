// Partition reassignment (KIP-455) as KRaft's controller does it, in pure functions of the
// image: a reassignment to target replicas T of a partition with replicas R first writes one
// PartitionChangeRecord with replicas = T followed by R - T, addingReplicas = T - R and
// removingReplicas = R - T; the leader stays. The adding replicas create their logs and catch
// up through the replica fetcher; the leader adds each to the ISR when it has caught up
// (AlterPartition). The ISR change that makes every target replica in sync also completes the
// reassignment (alter-partition.ts): replicas = T, ISR = ISR ∩ T, adding and removing cleared,
// and a leader that is being removed hands over to the first in-sync target replica. A
// reassignment that adds nothing completes at once. Cancelling (null replicas) reverts to the
// original replicas; a new target replaces an ongoing reassignment as a revert would, then a
// reassignment from there, in one record.
import { ErrorCode } from '../protocol/index.js';
import type { MetadataImage, PartitionImage, TopicImage } from './image.js';
import { MetadataRecordType, type MetadataRecord } from './records.js';

export interface ReassignmentOutcome {
  errorCode: number;
  errorMessage: string | null;
  /** The PartitionChangeRecord to commit; absent when nothing changes or on error. */
  record?: MetadataRecord;
}

/** The state a reassignment works on: the parts of a PartitionImage it reads and writes. */
interface State {
  replicas: readonly number[];
  isr: readonly number[];
  leader: number;
  adding: readonly number[];
  removing: readonly number[];
}

const NO_CHANGE = -2;

/** Whether `p` has a reassignment under way. */
export function isReassigning(p: PartitionImage): boolean {
  return (p.addingReplicas?.length ?? 0) > 0 || (p.removingReplicas?.length ?? 0) > 0;
}

/** The replicas a partition is being reassigned to (its replicas when none is under way). */
export function targetReplicas(p: PartitionImage): number[] {
  const removing = p.removingReplicas ?? [];
  return p.replicas.filter((id) => !removing.includes(id));
}

/**
 * The change AlterPartitionReassignments asks of one partition: `target` null cancels.
 * `allowReplicationFactorChange` false (request v1) refuses a target of another size.
 */
export function reassignPartition(
  image: MetadataImage,
  topic: TopicImage,
  p: PartitionImage,
  target: readonly number[] | null,
  options: { allowReplicationFactorChange: boolean },
): ReassignmentOutcome {
  const ongoing = isReassigning(p);
  if (target === null) {
    if (!ongoing) {
      return fail(ErrorCode.NO_REASSIGNMENT_IN_PROGRESS, 'No reassignment is in progress.');
    }
    return { ...OK, record: changeRecord(topic, p, revert(image, p)) };
  }
  const problem = targetProblem(image, target);
  if (problem !== null) return fail(ErrorCode.INVALID_REPLICA_ASSIGNMENT, problem);
  const base = ongoing ? revert(image, p) : stateOf(p);
  if (!options.allowReplicationFactorChange && target.length !== base.replicas.length) {
    return fail(
      ErrorCode.INVALID_REPLICATION_FACTOR,
      `The replication factor is changed from ${base.replicas.length} to ${target.length}.`,
    );
  }
  const adding = target.filter((id) => !base.replicas.includes(id));
  const removing = base.replicas.filter((id) => !target.includes(id));
  let next: State;
  if (adding.length === 0) {
    const done = complete(image, { ...base, replicas: [...target], adding, removing });
    if (done === null) {
      return fail(
        ErrorCode.INVALID_REPLICA_ASSIGNMENT,
        'None of the target replicas is in sync and live.',
      );
    }
    next = done;
  } else {
    next = { ...base, replicas: [...target, ...removing], adding, removing };
  }
  if (sameState(stateOf(p), next)) return OK;
  return { ...OK, record: changeRecord(topic, p, next) };
}

/**
 * The completion of `p`'s reassignment once its ISR is `isr`: null when none is under way or
 * a target replica is not in sync yet (or no in-sync target replica is live to lead).
 */
export function completedReassignment(
  image: MetadataImage,
  p: PartitionImage,
  isr: readonly number[],
): { replicas: number[]; isr: number[]; leader: number } | null {
  if (!isReassigning(p)) return null;
  const done = complete(image, { ...stateOf(p), isr, replicas: targetReplicas(p) });
  if (done === null) return null;
  return { replicas: [...done.replicas], isr: [...done.isr], leader: done.leader };
}

/** Ends at the target (state.replicas): every target replica must be in `state.isr`. */
function complete(image: MetadataImage, state: State): State | null {
  const target = state.replicas;
  const isr = state.isr.filter((id) => target.includes(id));
  if (!target.every((id) => isr.includes(id)) && state.adding.length > 0) return null;
  if (isr.length === 0) return null;
  let leader = state.leader;
  if (!target.includes(leader)) {
    const next = target.find((id) => isr.includes(id) && live(image, id));
    if (next === undefined) return null;
    leader = next;
  }
  return { replicas: target, isr, leader, adding: [], removing: [] };
}

/** The state before the ongoing reassignment: the original replicas. */
function revert(image: MetadataImage, p: PartitionImage): State {
  const adding = p.addingReplicas ?? [];
  const replicas = p.replicas.filter((id) => !adding.includes(id));
  let isr = p.isr.filter((id) => replicas.includes(id));
  // As Kafka's revert: when only adding replicas were in sync, the first original one is put
  // back in the ISR (it may miss records: the same risk as an unclean election).
  if (isr.length === 0) isr = [replicas[0]!];
  let leader = p.leader;
  if (!replicas.includes(leader)) {
    leader = replicas.find((id) => isr.includes(id) && live(image, id)) ?? -1;
  }
  return { replicas, isr, leader, adding: [], removing: [] };
}

function targetProblem(image: MetadataImage, target: readonly number[]): string | null {
  if (target.length === 0) return 'The replica list is empty.';
  for (const [i, id] of target.entries()) {
    if (target.indexOf(id) !== i) {
      return `The manual partition assignment includes the broker ${id} more than once.`;
    }
    if (image.broker(id) === undefined) {
      return `The manual partition assignment includes broker ${id}, but no such broker is registered.`;
    }
  }
  return null;
}

function live(image: MetadataImage, id: number): boolean {
  const b = image.broker(id);
  return b !== undefined && !b.fenced;
}

function stateOf(p: PartitionImage): State {
  return {
    replicas: p.replicas,
    isr: p.isr,
    leader: p.leader,
    adding: p.addingReplicas ?? [],
    removing: p.removingReplicas ?? [],
  };
}

function sameState(a: State, b: State): boolean {
  const same = (x: readonly number[], y: readonly number[]) =>
    x.length === y.length && x.every((v, i) => v === y[i]);
  return (
    a.leader === b.leader &&
    same(a.replicas, b.replicas) &&
    same([...a.isr].sort(), [...b.isr].sort()) &&
    same(a.adding, b.adding) &&
    same(a.removing, b.removing)
  );
}

function changeRecord(topic: TopicImage, p: PartitionImage, next: State): MetadataRecord {
  return {
    type: MetadataRecordType.PartitionChange,
    value: {
      partitionId: p.partitionId,
      topicId: topic.topicId,
      isr: [...next.isr],
      leader: next.leader === p.leader ? NO_CHANGE : next.leader,
      replicas: [...next.replicas],
      removingReplicas: [...next.removing],
      addingReplicas: [...next.adding],
      leaderRecoveryState: -1,
      directories: null,
      eligibleLeaderReplicas: null,
      lastKnownElr: null,
    },
  };
}

const OK: ReassignmentOutcome = { errorCode: ErrorCode.NONE, errorMessage: null };

function fail(errorCode: number, errorMessage: string): ReassignmentOutcome {
  return { errorCode, errorMessage };
}
