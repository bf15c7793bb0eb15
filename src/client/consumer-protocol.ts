// The "consumer" embedded protocol of classic groups: the subscription a member sends in
// JoinGroup and the assignment the leader hands out in SyncGroup (ConsumerProtocolSubscription
// and ConsumerProtocolAssignment, each prefixed by an int16 version).
import {
  decodeConsumerProtocolAssignment,
  decodeConsumerProtocolSubscription,
  encodeConsumerProtocolAssignment,
  encodeConsumerProtocolSubscription,
  Reader,
  Writer,
} from '../protocol/index.js';

export interface Subscription {
  topics: string[];
  userData?: Buffer | null;
  ownedPartitions?: { topic: string; partitions: number[] }[];
  generationId?: number;
  rackId?: string | null;
}

export interface Assignment {
  partitions: { topic: string; partitions: number[] }[];
  userData?: Buffer | null;
}

const SUBSCRIPTION_VERSION = 3;
const ASSIGNMENT_VERSION = 3;

export function encodeSubscription(s: Subscription, version = SUBSCRIPTION_VERSION): Buffer {
  const w = new Writer();
  w.int16(version);
  encodeConsumerProtocolSubscription(w, version, {
    topics: s.topics,
    userData: s.userData ?? null,
    ownedPartitions: version >= 1 ? (s.ownedPartitions ?? []) : [],
    generationId: version >= 2 ? (s.generationId ?? -1) : -1,
    rackId: version >= 3 ? (s.rackId ?? null) : null,
  });
  return w.toBuffer();
}

export function decodeSubscription(bytes: Buffer): Subscription {
  const r = new Reader(bytes);
  const version = Math.min(r.int16(), SUBSCRIPTION_VERSION);
  return decodeConsumerProtocolSubscription(r, version);
}

export function encodeAssignment(a: Assignment, version = ASSIGNMENT_VERSION): Buffer {
  const w = new Writer();
  w.int16(version);
  encodeConsumerProtocolAssignment(w, version, {
    assignedPartitions: a.partitions,
    userData: a.userData ?? null,
  });
  return w.toBuffer();
}

/** An empty buffer (a member that got nothing) decodes to no partitions. */
export function decodeAssignment(bytes: Buffer | null): Assignment {
  if (bytes === null || bytes.length < 2) return { partitions: [] };
  const r = new Reader(bytes);
  const version = Math.min(r.int16(), ASSIGNMENT_VERSION);
  const a = decodeConsumerProtocolAssignment(r, version);
  return { partitions: a.assignedPartitions, userData: a.userData };
}
