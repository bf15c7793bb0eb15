// Control records: the records of a control batch (Kafka's "Control Batches",
// https://kafka.apache.org/documentation/#controlbatch).
// The key is int16 version (0) + int16 type. Transaction markers (ABORT, COMMIT) carry an
// EndTxnMarker value: int16 version (0) + int32 coordinator epoch. The other types belong to
// KRaft (__cluster_metadata) and carry their own message schemas, which callers decode.
import { RecordDecodeError } from './record-decode-error.js';
import type { DecodedRecord, RecordInput } from './record.js';

export const ControlRecordType = {
  Abort: 0,
  Commit: 1,
  LeaderChange: 2,
  SnapshotHeader: 3,
  SnapshotFooter: 4,
  KRaftVersion: 5,
  KRaftVoters: 6,
} as const;
export type ControlRecordType = (typeof ControlRecordType)[keyof typeof ControlRecordType];

export type DecodedControlRecord =
  | {
      type: typeof ControlRecordType.Abort | typeof ControlRecordType.Commit;
      version: number;
      coordinatorEpoch: number;
    }
  | { type: Exclude<ControlRecordType, 0 | 1>; version: number; value: Buffer | null }
  /** A type newer than this code: consumers skip it, as Kafka's do. */
  | { type: 'unknown'; typeId: number; version: number; value: Buffer | null };

export function controlRecordKey(type: ControlRecordType): Buffer {
  const key = Buffer.alloc(4);
  key.writeInt16BE(0, 0);
  key.writeInt16BE(type, 2);
  return key;
}

/** The single record of a COMMIT or ABORT marker batch (write it with isControl + isTransactional). */
export function endTxnMarker(
  type: typeof ControlRecordType.Abort | typeof ControlRecordType.Commit,
  coordinatorEpoch: number,
): RecordInput {
  const value = Buffer.alloc(6);
  value.writeInt16BE(0, 0);
  value.writeInt32BE(coordinatorEpoch, 2);
  return { key: controlRecordKey(type), value };
}

/** Reads a record of a control batch. Throws {@link RecordDecodeError} if malformed. */
export function decodeControlRecord(
  record: Pick<DecodedRecord, 'key' | 'value'>,
): DecodedControlRecord {
  const { key, value } = record;
  if (key === null || key.length < 4) {
    throw new RecordDecodeError(
      'invalid-control-record',
      'control record key shorter than 4 bytes',
    );
  }
  const version = key.readInt16BE(0);
  const typeId = key.readInt16BE(2);
  if (typeId === ControlRecordType.Abort || typeId === ControlRecordType.Commit) {
    if (value === null || value.length < 6) {
      throw new RecordDecodeError(
        'invalid-control-record',
        'end transaction marker value too short',
      );
    }
    return { type: typeId, version, coordinatorEpoch: value.readInt32BE(2) };
  }
  if (typeId >= ControlRecordType.LeaderChange && typeId <= ControlRecordType.KRaftVoters) {
    return { type: typeId as Exclude<ControlRecordType, 0 | 1>, version, value };
  }
  return { type: 'unknown', typeId, version, value };
}
