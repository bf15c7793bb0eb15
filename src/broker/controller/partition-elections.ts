// The controller's pure decisions about brokers coming and going, as KRaft's controller makes
// them: records in, records out, nothing read or written elsewhere. Fencing a broker removes
// it from every ISR it is in (unless it is the last member) and moves each leadership it held
// to the first live replica of the remaining ISR; with no live ISR member the partition is
// left without a leader (-1) rather than handed to a replica that may miss acknowledged
// records, unless `unclean.leader.election.enable` says otherwise. A broker that returns
// takes back the leaderless partitions whose ISR it is in. Each PartitionChangeRecord that
// changes the leader makes replay bump the leader epoch; every one bumps the partition epoch.
import {
  MetadataRecordType,
  type MetadataImage,
  type MetadataRecord,
  type PartitionImage,
  type TopicImage,
} from '../../metadata/index.js';
import { createPartitionChangeRecord } from '../../protocol/index.js';

export interface ElectionOptions {
  /** The broker-wide `unclean.leader.election.enable`; a topic override wins over it. */
  uncleanLeaderElection: boolean;
}

/** No leader: the partition is offline until a replica of its ISR returns. */
export const NO_LEADER = -1;

/** FenceBrokerRecord for `brokerId` and the partition changes that follow from it. */
export function fenceBrokerRecords(
  image: MetadataImage,
  brokerId: number,
  options: ElectionOptions,
): MetadataRecord[] {
  const broker = image.broker(brokerId);
  if (broker === undefined || broker.fenced) return [];
  const live = liveBrokers(image, brokerId);
  const records: MetadataRecord[] = [
    { type: MetadataRecordType.FenceBroker, value: { id: brokerId, epoch: broker.brokerEpoch } },
  ];
  return records.concat(moveAway(image, brokerId, live, options, { keepIfAlone: false }));
}

/**
 * Controlled shutdown: the leaderships of `brokerId` move to another live ISR member and it
 * leaves the ISRs, where someone else can take over; partitions it alone can lead stay.
 */
export function controlledShutdownRecords(
  image: MetadataImage,
  brokerId: number,
  options: ElectionOptions,
): MetadataRecord[] {
  const live = liveBrokers(image, brokerId);
  return moveAway(image, brokerId, live, options, { keepIfAlone: true });
}

/** UnfenceBrokerRecord for `brokerId` and the leaderless partitions it can lead again. */
export function unfenceBrokerRecords(
  image: MetadataImage,
  brokerId: number,
  options: ElectionOptions,
): MetadataRecord[] {
  const broker = image.broker(brokerId);
  if (broker === undefined) return [];
  const records: MetadataRecord[] = [];
  if (broker.fenced) {
    records.push({
      type: MetadataRecordType.UnfenceBroker,
      value: { id: brokerId, epoch: broker.brokerEpoch },
    });
  }
  for (const topic of image.topics()) {
    for (const p of topic.partitions) {
      if (p.leader !== NO_LEADER || !p.replicas.includes(brokerId)) continue;
      if (p.isr.includes(brokerId)) {
        records.push(change(topic, p, { leader: brokerId }));
      } else if (unclean(topic, options)) {
        records.push(change(topic, p, { leader: brokerId, isr: [brokerId] }));
      }
    }
  }
  return records;
}

function moveAway(
  image: MetadataImage,
  brokerId: number,
  live: ReadonlySet<number>,
  options: ElectionOptions,
  how: { keepIfAlone: boolean },
): MetadataRecord[] {
  const records: MetadataRecord[] = [];
  for (const topic of image.topics()) {
    for (const p of topic.partitions) {
      if (!p.isr.includes(brokerId) && p.leader !== brokerId) continue;
      const isr = p.isr.filter((id) => id !== brokerId);
      const candidate = p.replicas.find((id) => isr.includes(id) && live.has(id));
      if (p.leader !== brokerId) {
        // A follower leaves the ISR; the ISR never becomes empty.
        if (isr.length > 0) records.push(change(topic, p, { isr }));
        continue;
      }
      if (candidate !== undefined) {
        records.push(change(topic, p, { leader: candidate, isr }));
        continue;
      }
      if (how.keepIfAlone) continue;
      const anyLive = p.replicas.find((id) => id !== brokerId && live.has(id));
      if (unclean(topic, options) && anyLive !== undefined) {
        records.push(change(topic, p, { leader: anyLive, isr: [anyLive] }));
      } else {
        // The last ISR member stays in the ISR, so it alone can lead when it returns.
        records.push(change(topic, p, { leader: NO_LEADER, isr: isr.length > 0 ? isr : null }));
      }
    }
  }
  return records;
}

function liveBrokers(image: MetadataImage, except: number): Set<number> {
  return new Set(
    image
      .brokers()
      .filter((b) => !b.fenced && b.brokerId !== except)
      .map((b) => b.brokerId),
  );
}

function unclean(topic: TopicImage, options: ElectionOptions): boolean {
  const override = topic.configs.get('unclean.leader.election.enable');
  return override === undefined ? options.uncleanLeaderElection : override === 'true';
}

function change(
  topic: TopicImage,
  p: PartitionImage,
  to: { leader?: number; isr?: number[] | null },
): MetadataRecord {
  return {
    type: MetadataRecordType.PartitionChange,
    value: createPartitionChangeRecord({
      topicId: topic.topicId,
      partitionId: p.partitionId,
      leader: to.leader ?? -2,
      isr: to.isr ?? null,
    }),
  };
}
