// The cleaner's view of records, over the protocol's record batch codec.
import { BatchField } from '../../protocol/records/batch-header.js';
import {
  decodeRecordBatch,
  encodeRecordBatch,
  type DecodedRecordBatch,
} from '../../protocol/records/record-batch.js';
import { crc32c } from '../../util/crc32c.js';
import type { CleanerCodec, CleanerRecord } from './cleaner-codec.js';

/** Decodes each batch once even though the cleaner asks for its records, then rebuilds it. */
export function protocolCleanerCodec(): CleanerCodec {
  let lastBatch: Buffer | null = null;
  let lastDecoded: DecodedRecordBatch | null = null;
  const decode = async (batch: Buffer): Promise<DecodedRecordBatch> => {
    if (batch !== lastBatch || !lastDecoded) {
      // The frame and CRC were checked while reading the segment.
      lastDecoded = await decodeRecordBatch(batch, { verifyCrc: false });
      lastBatch = batch;
    }
    return lastDecoded;
  };
  return {
    async records(batch: Buffer): Promise<CleanerRecord[]> {
      const decoded = await decode(batch);
      return decoded.records.map((r) => ({
        offset: Number(r.offset),
        timestamp: r.timestamp,
        key: r.key,
        isTombstone: r.value === null,
      }));
    },
    async rebuild(batch: Buffer, keep: readonly number[]): Promise<Buffer> {
      const d = await decode(batch);
      const records = keep.map((i) => {
        const r = d.records[i]!;
        return {
          key: r.key,
          value: r.value,
          headers: r.headers,
          timestamp: r.timestamp,
          offsetDelta: r.offsetDelta,
        };
      });
      const out = await encodeRecordBatch(records, {
        baseOffset: d.baseOffset,
        partitionLeaderEpoch: d.partitionLeaderEpoch,
        compression: d.compression as never,
        timestampType: d.timestampType,
        isTransactional: d.isTransactional,
        isControl: d.isControl,
        producerId: d.producerId,
        producerEpoch: d.producerEpoch,
        baseSequence: d.baseSequence,
      });
      // The batch keeps covering its original offsets, so the producer's last sequence
      // (baseSequence + lastOffsetDelta) and the log's offsets read the same as before.
      out.writeInt32BE(d.lastOffsetDelta, BatchField.LastOffsetDelta);
      out.writeUInt32BE(crc32c(out.subarray(BatchField.Attributes)), BatchField.Crc);
      return out;
    },
  };
}
