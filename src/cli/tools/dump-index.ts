// `dump-log` for the files beside a segment, as kafka-dump-log.sh prints them: the offset index
// (`offset: N position: P`), the time index (`timestamp: T offset: N`), the aborted-transaction
// index and producer-state snapshots. Index files may be preallocated (an active segment's) and
// end in zeros: the first all-zero entry after the first one ends the listing, as an index
// that was never written that far holds nothing there.
import { basename } from 'node:path';
import { decodeProducerSnapshotFile, decodeTxnIndex } from '../../storage/index.js';

/** The lines of a non-log file, by its name, or null when the name is not one dump-log knows. */
export function dumpSideFile(file: string, buf: Buffer): string[] | null {
  const m = /^(\d{20})\.(index|timeindex|txnindex|snapshot)$/.exec(basename(file));
  if (m === null) return null;
  const baseOffset = BigInt(m[1]!);
  switch (m[2]) {
    case 'index':
      return offsetIndexLines(buf, baseOffset);
    case 'timeindex':
      return timeIndexLines(buf, baseOffset);
    case 'txnindex':
      return decodeTxnIndex(buf).map(
        (e) =>
          `version: 0 producerId: ${e.producerId} firstOffset: ${e.firstOffset} lastOffset: ${e.lastOffset} lastStableOffset: ${e.lastStableOffset}`,
      );
    default:
      return snapshotLines(buf);
  }
}

const OFFSET_ENTRY_BYTES = 8;
const TIME_ENTRY_BYTES = 12;

function offsetIndexLines(buf: Buffer, baseOffset: bigint): string[] {
  const out: string[] = [];
  for (let pos = 0; pos + OFFSET_ENTRY_BYTES <= buf.length; pos += OFFSET_ENTRY_BYTES) {
    const relative = buf.readInt32BE(pos);
    const position = buf.readInt32BE(pos + 4);
    if (pos > 0 && relative === 0 && position === 0) break;
    out.push(`offset: ${baseOffset + BigInt(relative)} position: ${position}`);
  }
  return out;
}

function timeIndexLines(buf: Buffer, baseOffset: bigint): string[] {
  const out: string[] = [];
  for (let pos = 0; pos + TIME_ENTRY_BYTES <= buf.length; pos += TIME_ENTRY_BYTES) {
    const timestamp = buf.readBigInt64BE(pos);
    const relative = buf.readInt32BE(pos + 8);
    if (pos > 0 && timestamp === 0n && relative === 0) break;
    out.push(`timestamp: ${timestamp} offset: ${baseOffset + BigInt(relative)}`);
  }
  return out;
}

function snapshotLines(buf: Buffer): string[] {
  const entries = decodeProducerSnapshotFile(buf);
  if (entries === null) return ['Found a damaged producer snapshot (bad version or CRC).'];
  return entries.map((e) => {
    const last = e.batches[e.batches.length - 1];
    return [
      `producerId: ${e.producerId} producerEpoch: ${e.epoch}`,
      `coordinatorEpoch: ${e.coordinatorEpoch}`,
      `currentTxnFirstOffset: ${e.currentTxnFirstOffset < 0 ? 'None' : e.currentTxnFirstOffset}`,
      `lastTimestamp: ${e.lastTimestamp}`,
      `firstSequence: ${last?.firstSequence ?? -1} lastSequence: ${last?.lastSequence ?? -1}`,
      `lastOffset: ${last?.lastOffset ?? -1}`,
      `offsetDelta: ${last === undefined ? 0 : last.lastSequence - last.firstSequence}`,
      `timestamp: ${last?.maxTimestamp ?? -1}`,
    ].join(' ');
  });
}
