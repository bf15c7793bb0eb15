// The records the group coordinator keeps in __consumer_offsets, in Kafka's format so the
// topic reads the same as Kafka's: a key that starts with an int16 record type (0/1 offset
// commit, 2 group metadata) and a value that starts with an int16 version; a null value is a
// tombstone that compaction eventually removes.
import {
  Reader,
  Writer,
  ZERO_UUID,
  decodeGroupMetadataKey,
  decodeGroupMetadataValue,
  decodeLegacyOffsetCommitKey,
  decodeOffsetCommitKey,
  decodeOffsetCommitValue,
  encodeGroupMetadataKey,
  encodeGroupMetadataValue,
  encodeOffsetCommitKey,
  encodeOffsetCommitValue,
  type GroupMetadataValue,
} from '../../protocol/index.js';

export interface CoordinatorRecord {
  key: Buffer;
  /** null is a tombstone. */
  value: Buffer | null;
}

/** A committed offset as the coordinator keeps it. */
export interface OffsetAndMetadata {
  offset: bigint;
  leaderEpoch: number;
  metadata: string;
  commitTimestampMs: number;
  /** Set only by old clients that gave a retention time (OffsetCommit v2-v4). */
  expireTimestampMs: number | null;
}

const OFFSET_COMMIT_TYPE = 1;
const GROUP_METADATA_TYPE = 2;
/** Version 3 carries the leader epoch; version 1 is the only one with an expire timestamp. */
const OFFSET_VALUE_VERSION = 3;
const OFFSET_VALUE_VERSION_WITH_EXPIRY = 1;
/** Version 3 carries group.instance.id (KIP-345). */
const GROUP_VALUE_VERSION = 3;

export type ParsedCoordinatorRecord =
  | {
      type: 'offset';
      groupId: string;
      topic: string;
      partition: number;
      value: OffsetAndMetadata | null;
    }
  | { type: 'group'; groupId: string; value: GroupMetadataValue | null }
  | { type: 'other'; recordType: number };

function offsetKey(groupId: string, topic: string, partition: number): Buffer {
  const w = new Writer(64);
  w.int16(OFFSET_COMMIT_TYPE);
  encodeOffsetCommitKey(w, 0, { group: groupId, topic, partition });
  return w.toBuffer();
}

function groupKey(groupId: string): Buffer {
  const w = new Writer(64);
  w.int16(GROUP_METADATA_TYPE);
  encodeGroupMetadataKey(w, 0, { group: groupId });
  return w.toBuffer();
}

export function offsetCommitRecord(
  groupId: string,
  topic: string,
  partition: number,
  offset: OffsetAndMetadata,
): CoordinatorRecord {
  const version =
    offset.expireTimestampMs === null ? OFFSET_VALUE_VERSION : OFFSET_VALUE_VERSION_WITH_EXPIRY;
  const w = new Writer(64 + offset.metadata.length * 3);
  w.int16(version);
  encodeOffsetCommitValue(w, version, {
    offset: offset.offset,
    leaderEpoch: offset.leaderEpoch,
    metadata: offset.metadata,
    commitTimestamp: BigInt(offset.commitTimestampMs),
    expireTimestamp: BigInt(offset.expireTimestampMs ?? -1),
    topicId: ZERO_UUID,
  });
  return { key: offsetKey(groupId, topic, partition), value: w.toBuffer() };
}

export function offsetTombstone(
  groupId: string,
  topic: string,
  partition: number,
): CoordinatorRecord {
  return { key: offsetKey(groupId, topic, partition), value: null };
}

export function groupMetadataRecord(groupId: string, value: GroupMetadataValue): CoordinatorRecord {
  const w = new Writer(256);
  w.int16(GROUP_VALUE_VERSION);
  encodeGroupMetadataValue(w, GROUP_VALUE_VERSION, value);
  return { key: groupKey(groupId), value: w.toBuffer() };
}

export function groupTombstone(groupId: string): CoordinatorRecord {
  return { key: groupKey(groupId), value: null };
}

/** Decodes a record of __consumer_offsets; throws ProtocolDecodeError on damaged bytes. */
export function parseCoordinatorRecord(record: CoordinatorRecord): ParsedCoordinatorRecord {
  const kr = new Reader(record.key);
  const recordType = kr.int16();
  if (recordType === 0 || recordType === 1) {
    const key =
      recordType === 0 ? decodeLegacyOffsetCommitKey(kr, 0) : decodeOffsetCommitKey(kr, 0);
    return {
      type: 'offset',
      groupId: key.group,
      topic: key.topic,
      partition: key.partition,
      value: record.value === null ? null : parseOffsetValue(record.value),
    };
  }
  if (recordType === GROUP_METADATA_TYPE) {
    const key = decodeGroupMetadataKey(kr, 0);
    if (record.value === null) return { type: 'group', groupId: key.group, value: null };
    const vr = new Reader(record.value);
    const version = vr.int16();
    return { type: 'group', groupId: key.group, value: decodeGroupMetadataValue(vr, version) };
  }
  return { type: 'other', recordType };
}

function parseOffsetValue(bytes: Buffer): OffsetAndMetadata {
  const r = new Reader(bytes);
  const version = r.int16();
  const v = decodeOffsetCommitValue(r, version);
  return {
    offset: v.offset,
    leaderEpoch: v.leaderEpoch,
    metadata: v.metadata,
    commitTimestampMs: Number(v.commitTimestamp),
    expireTimestampMs: v.expireTimestamp >= 0n ? Number(v.expireTimestamp) : null,
  };
}
