// The metadata log on disk: `__cluster_metadata-0` in the first log dir, a partition log in
// Kafka's layout (README §8). Each append is fsync'd before it counts. The log is opened here,
// not by the broker's LogManager, and always scanned on open (it is small): its records are
// the source of truth for every topic, so nothing in it may be trusted without its CRCs.
import {
  DEFAULT_LOG_CONFIG,
  NodeFileSystem,
  PartitionLog,
  isStorageFailure,
  type FileSystem,
} from '../storage/index.js';
import { BatchField, LOG_OVERHEAD_BYTES } from '../protocol/index.js';
import type { MetadataLogStore } from './metadata-log.js';

export const METADATA_TOPIC = '__cluster_metadata';
export const METADATA_PARTITION = 0;
/** The folder name of the metadata log inside the first log dir. */
export const METADATA_LOG_DIR_NAME = `${METADATA_TOPIC}-${METADATA_PARTITION}`;

const READ_BYTES = 1024 * 1024;

export class PartitionLogMetadataStore implements MetadataLogStore {
  private constructor(readonly log: PartitionLog) {}

  static async open(options: {
    logDir: string;
    fs?: FileSystem;
  }): Promise<PartitionLogMetadataStore> {
    const log = await PartitionLog.open({
      fs: options.fs ?? new NodeFileSystem(),
      dir: `${options.logDir}/${METADATA_LOG_DIR_NAME}`,
      topic: METADATA_TOPIC,
      partition: METADATA_PARTITION,
      // Nothing in the metadata log ever expires; it is never compacted either.
      config: { ...DEFAULT_LOG_CONFIG, retentionMs: -1, retentionBytes: -1 },
      cleanShutdown: false,
    });
    return new PartitionLogMetadataStore(log);
  }

  async readAll(): Promise<Buffer[]> {
    const batches: Buffer[] = [];
    let offset = this.log.logStartOffset;
    while (offset < this.log.logEndOffset) {
      const result = await this.log.read(offset, { maxBytes: READ_BYTES });
      if (result.error !== null || result.records.length === 0) {
        throw new Error(
          `cannot read the metadata log at offset ${offset}: ${String(result.error)}`,
        );
      }
      let pos = 0;
      while (pos < result.records.length) {
        const size = LOG_OVERHEAD_BYTES + result.records.readInt32BE(pos + BatchField.BatchLength);
        const batch = result.records.subarray(pos, pos + size);
        batches.push(batch);
        offset =
          Number(batch.readBigInt64BE(0)) + batch.readInt32BE(BatchField.LastOffsetDelta) + 1;
        pos += size;
      }
    }
    return batches;
  }

  async append(batch: Buffer): Promise<number> {
    const result = await this.log.append(batch);
    await this.log.flush();
    return result.baseOffset;
  }

  async close(): Promise<void> {
    // The metadata log is checked on every open, so a close whose writes failed (a full disk)
    // loses nothing: every append was fsynced before it counted.
    await this.log.close().catch((err: unknown) => {
      if (!isStorageFailure(err)) throw err;
    });
  }
}
