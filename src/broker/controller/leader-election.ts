// ElectLeaders and the automatic leader balance, as KRaft's controller decides them: pure
// functions from the image to PartitionChangeRecords and per-partition answers.
// - PREFERRED: the first replica of the assignment leads, if it is live and in the ISR
//   (PREFERRED_LEADER_NOT_AVAILABLE otherwise); ELECTION_NOT_NEEDED when it already leads.
// - UNCLEAN (KIP-460): a partition without a live leader gets one: the first live ISR member,
//   else the first live replica with the ISR reset to it (it may miss acknowledged records);
//   ELIGIBLE_LEADERS_NOT_AVAILABLE when no replica is live; ELECTION_NOT_NEEDED when the
//   leader is live.
// Asked for every partition (null), the answer leaves out those that needed no election, as
// Kafka's does. The automatic balance (`auto.leader.rebalance.enable`) runs preferred
// elections for the partitions of each broker whose share of partitions it should lead but
// does not is above `leader.imbalance.per.broker.percentage`.
import type { MetadataImage, MetadataRecord, PartitionImage } from '../../metadata/index.js';
import { MetadataRecordType, isReassigning } from '../../metadata/index.js';
import { ErrorCode, createPartitionChangeRecord } from '../../protocol/index.js';

export const ElectionType = { PREFERRED: 0, UNCLEAN: 1 } as const;

export interface ElectionResult {
  topic: string;
  partition: number;
  errorCode: number;
  errorMessage: string | null;
}

export interface ElectionOutcome {
  records: MetadataRecord[];
  results: ElectionResult[];
}

/** The elections of an ElectLeaders request; `partitions` null asks for every partition. */
export function electLeaders(
  image: MetadataImage,
  electionType: number,
  partitions: readonly { topic: string; partition: number }[] | null,
): ElectionOutcome {
  const records: MetadataRecord[] = [];
  const results: ElectionResult[] = [];
  const all = partitions === null;
  const wanted =
    partitions ??
    image
      .topics()
      .flatMap((t) => t.partitions.map((p) => ({ topic: t.name, partition: p.partitionId })));
  for (const { topic, partition } of wanted) {
    const t = image.topic(topic);
    const p = t?.partitions[partition];
    if (t === undefined || p === undefined) {
      results.push(result(topic, partition, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, null));
      continue;
    }
    const decision =
      electionType === ElectionType.UNCLEAN ? uncleanLeader(image, p) : preferredLeader(image, p);
    if ('errorCode' in decision) {
      if (all && decision.errorCode === ErrorCode.ELECTION_NOT_NEEDED) continue;
      results.push(result(topic, partition, decision.errorCode, decision.message));
      continue;
    }
    records.push({
      type: MetadataRecordType.PartitionChange,
      value: createPartitionChangeRecord({
        topicId: t.topicId,
        partitionId: partition,
        leader: decision.leader,
        isr: decision.isr ?? null,
      }),
    });
    results.push(result(topic, partition, ErrorCode.NONE, null));
  }
  return { records, results };
}

/**
 * The automatic leader balance: preferred elections for the partitions of every broker whose
 * imbalance (partitions it is preferred for but does not lead, over those it is preferred
 * for) exceeds `percentage`. Partitions under reassignment are left alone.
 */
export function rebalanceRecords(image: MetadataImage, percentage: number): MetadataRecord[] {
  const byPreferred = new Map<number, { topic: string; p: PartitionImage }[]>();
  for (const t of image.topics()) {
    for (const p of t.partitions) {
      const preferred = p.replicas[0];
      if (preferred === undefined || isReassigning(p)) continue;
      const list = byPreferred.get(preferred) ?? [];
      list.push({ topic: t.name, p });
      byPreferred.set(preferred, list);
    }
  }
  const elect: { topic: string; partition: number }[] = [];
  for (const [brokerId, list] of byPreferred) {
    if (!live(image, brokerId)) continue;
    const notLed = list.filter(({ p }) => p.leader !== brokerId);
    if (notLed.length === 0 || (notLed.length * 100) / list.length <= percentage) continue;
    for (const { topic, p } of notLed) {
      if (p.isr.includes(brokerId)) elect.push({ topic, partition: p.partitionId });
    }
  }
  if (elect.length === 0) return [];
  return electLeaders(image, ElectionType.PREFERRED, elect).records;
}

type Decision = { leader: number; isr?: number[] } | { errorCode: number; message: string };

function preferredLeader(image: MetadataImage, p: PartitionImage): Decision {
  const preferred = p.replicas[0]!;
  if (p.leader === preferred) {
    return { errorCode: ErrorCode.ELECTION_NOT_NEEDED, message: 'Leader election not needed.' };
  }
  if (!p.isr.includes(preferred) || !live(image, preferred)) {
    return {
      errorCode: ErrorCode.PREFERRED_LEADER_NOT_AVAILABLE,
      message: `Failed to elect leader for partition: the preferred replica ${preferred} is not in the ISR or not live.`,
    };
  }
  return { leader: preferred };
}

function uncleanLeader(image: MetadataImage, p: PartitionImage): Decision {
  if (p.leader >= 0 && live(image, p.leader)) {
    return { errorCode: ErrorCode.ELECTION_NOT_NEEDED, message: 'Leader election not needed.' };
  }
  const inSync = p.replicas.find((id) => p.isr.includes(id) && live(image, id));
  if (inSync !== undefined) return { leader: inSync };
  const any = p.replicas.find((id) => live(image, id));
  if (any !== undefined) return { leader: any, isr: [any] };
  return {
    errorCode: ErrorCode.ELIGIBLE_LEADERS_NOT_AVAILABLE,
    message: 'No replica of the partition is live.',
  };
}

function live(image: MetadataImage, id: number): boolean {
  const b = image.broker(id);
  return b !== undefined && !b.fenced;
}

function result(
  topic: string,
  partition: number,
  errorCode: number,
  errorMessage: string | null,
): ElectionResult {
  return { topic, partition, errorCode, errorMessage };
}
