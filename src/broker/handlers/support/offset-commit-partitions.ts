// What OffsetCommit and TxnOffsetCommit share: partitions of topics the metadata does not know
// never reach the group coordinator (nothing is written for them), and the answer lists every
// partition the request named, those left out with UNKNOWN_TOPIC_OR_PARTITION.
import { ErrorCode } from '../../../protocol/index.js';
import type { MetadataImage } from '../../../metadata/index.js';

interface CommitTopics<P extends { partitionIndex: number }> {
  topics: { name: string; partitions: P[] }[];
}

/** The request with only the partitions of known topics (and topics left with any). */
export function knownPartitions<P extends { partitionIndex: number }, R extends CommitTopics<P>>(
  image: MetadataImage,
  request: R,
): R {
  const known = (topic: string, partition: number): boolean => {
    const t = image.topic(topic);
    return t !== undefined && partition >= 0 && partition < t.partitions.length;
  };
  return {
    ...request,
    topics: request.topics
      .map((t) => ({
        ...t,
        partitions: t.partitions.filter((p) => known(t.name, p.partitionIndex)),
      }))
      .filter((t) => t.partitions.length > 0),
  };
}

/** Looks up a partition's error code in a coordinator's answer; absent ones are unknown. */
export function partitionErrors(
  answer: CommitTopics<{ partitionIndex: number; errorCode: number }> | null,
): (topic: string, partition: number) => number {
  const errors = new Map<string, number>();
  for (const t of answer?.topics ?? []) {
    for (const p of t.partitions) errors.set(`${t.name}\0${p.partitionIndex}`, p.errorCode);
  }
  return (topic, partition) =>
    errors.get(`${topic}\0${partition}`) ?? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
}
