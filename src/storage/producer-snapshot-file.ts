// Producer-state snapshots, `<20-digit offset>.snapshot` in the partition's folder, in Kafka's
// format (storage/ProducerSnapshot.json, version 1): int16 version, uint32 CRC-32C of the bytes
// after it, then the producer entries. A snapshot at offset N holds the state of every batch
// below N; recovery loads the newest valid one and replays the log from N.
import { decodeProducerSnapshot, encodeProducerSnapshot } from '../protocol/generated/storage.js';
import { Reader, Writer } from '../protocol/primitives/index.js';
import { crc32c } from '../util/crc32c.js';
import { joinPath, writeFileAtomic, type FileSystem } from './fs/file-system.js';
import { SNAPSHOT_FILE_SUFFIX, offsetFileName } from './log-segment.js';
import type { ProducerEntry } from './producer-state.js';

const SNAPSHOT_VERSION = 1;
/** Bytes of the version and CRC fields; the CRC covers everything after them. */
const SNAPSHOT_HEADER_BYTES = 6;
/** Snapshots kept per partition; older ones are removed after a new one is written. */
const SNAPSHOTS_KEPT = 2;

export function encodeProducerSnapshotFile(entries: Iterable<ProducerEntry>): Buffer {
  const w = new Writer();
  w.int16(SNAPSHOT_VERSION);
  const producerEntries = [];
  for (const e of entries) {
    const last = e.batches[e.batches.length - 1];
    if (last === undefined && e.currentTxnFirstOffset < 0 && e.coordinatorEpoch < 0) continue;
    producerEntries.push({
      producerId: e.producerId,
      epoch: e.epoch,
      lastSequence: last?.lastSequence ?? -1,
      lastOffset: BigInt(last?.lastOffset ?? -1),
      offsetDelta: last === undefined ? 0 : last.lastSequence - last.firstSequence,
      timestamp: BigInt(last?.maxTimestamp ?? e.lastTimestamp),
      coordinatorEpoch: e.coordinatorEpoch,
      currentTxnFirstOffset: BigInt(e.currentTxnFirstOffset),
    });
  }
  encodeProducerSnapshot(w, SNAPSHOT_VERSION, { crc: 0, producerEntries });
  const buf = w.toBuffer();
  buf.writeUInt32BE(crc32c(buf.subarray(SNAPSHOT_HEADER_BYTES)), 2);
  return buf;
}

/** The entries of a snapshot file, or null when it is damaged or of an unknown version. */
export function decodeProducerSnapshotFile(buf: Buffer): ProducerEntry[] | null {
  if (buf.length < SNAPSHOT_HEADER_BYTES || buf.readInt16BE(0) !== SNAPSHOT_VERSION) return null;
  if (crc32c(buf.subarray(SNAPSHOT_HEADER_BYTES)) !== buf.readUInt32BE(2)) return null;
  try {
    const snapshot = decodeProducerSnapshot(new Reader(buf, 2), SNAPSHOT_VERSION);
    return snapshot.producerEntries.map((e) => ({
      producerId: e.producerId,
      epoch: e.epoch,
      lastTimestamp: Number(e.timestamp),
      currentTxnFirstOffset: Number(e.currentTxnFirstOffset),
      coordinatorEpoch: e.coordinatorEpoch,
      // A producer known only from a marker has no batch (last sequence -1).
      batches:
        e.lastSequence < 0
          ? []
          : [
              {
                firstSequence: e.lastSequence - e.offsetDelta,
                lastSequence: e.lastSequence,
                firstOffset: Number(e.lastOffset) - e.offsetDelta,
                lastOffset: Number(e.lastOffset),
                maxTimestamp: Number(e.timestamp),
              },
            ],
    }));
  } catch {
    return null;
  }
}

/** Offsets of the snapshot files in `dir`, ascending. */
export async function listSnapshotOffsets(fs: FileSystem, dir: string): Promise<number[]> {
  return snapshotOffsets(await fs.readdir(dir));
}

function snapshotOffsets(names: Iterable<string>): number[] {
  const offsets: number[] = [];
  for (const name of names) {
    if (!name.endsWith(SNAPSHOT_FILE_SUFFIX)) continue;
    const offset = Number(name.slice(0, -SNAPSHOT_FILE_SUFFIX.length));
    if (Number.isSafeInteger(offset) && offset >= 0) offsets.push(offset);
  }
  return offsets.sort((a, b) => a - b);
}

export function snapshotPath(dir: string, offset: number): string {
  return joinPath(dir, offsetFileName(offset, SNAPSHOT_FILE_SUFFIX));
}

/** Writes the snapshot at `offset` atomically and removes all but the newest few. */
export async function writeProducerSnapshot(
  fs: FileSystem,
  dir: string,
  options: { offset: number; entries: Iterable<ProducerEntry> },
): Promise<void> {
  await writeFileAtomic(
    fs,
    snapshotPath(dir, options.offset),
    encodeProducerSnapshotFile(options.entries),
  );
  const offsets = await listSnapshotOffsets(fs, dir);
  for (const old of offsets.slice(0, Math.max(0, offsets.length - SNAPSHOTS_KEPT))) {
    await fs.unlink(snapshotPath(dir, old));
  }
}

/**
 * The newest valid snapshot at or below `maxOffset` (the log end: a snapshot past it describes
 * batches a crash took away). Snapshots past the log end and damaged ones are removed.
 */
export async function readLatestProducerSnapshot(
  fs: FileSystem,
  dir: string,
  maxOffset: number,
  /** The folder's file names when already known (saves listing it). */
  files?: ReadonlySet<string> | null,
): Promise<{ offset: number; entries: ProducerEntry[] } | null> {
  const offsets = snapshotOffsets(files ?? (await fs.readdir(dir)));
  for (let i = offsets.length - 1; i >= 0; i--) {
    const offset = offsets[i]!;
    const path = snapshotPath(dir, offset);
    const buf = offset <= maxOffset ? await fs.readFile(path) : null;
    const entries = buf === null ? null : decodeProducerSnapshotFile(buf);
    if (entries !== null) return { offset, entries };
    await fs.unlink(path);
  }
  return null;
}
