// The metadata log on disk: `__cluster_metadata-0` in the first log dir, a partition log in
// Kafka's layout (README §8). Each append is fsync'd before it counts. The log is opened here,
// not by the broker's LogManager, and always scanned on open (it is small): its records are
// the source of truth for every topic, so nothing in it may be trusted without its CRCs.
// Compare-and-swap appends compare against this log's own end, and watchers get its own
// appends: on one node the broker is the only writer.
import {
  DEFAULT_LOG_CONFIG,
  NodeFileSystem,
  PartitionLog,
  isStorageFailure,
  type FileSystem,
} from '../storage/index.js';
import { BatchField, LOG_OVERHEAD_BYTES } from '../protocol/index.js';
import {
  MetadataWatchers,
  batchEndOffset,
  type MetadataAppendOptions,
  type MetadataAppendResult,
  type MetadataBatchListener,
  type MetadataLogStore,
  type MetadataWatchOptions,
} from './metadata-log.js';

export const METADATA_TOPIC = '__cluster_metadata';
export const METADATA_PARTITION = 0;
/** The folder name of the metadata log inside the first log dir. */
export const METADATA_LOG_DIR_NAME = `${METADATA_TOPIC}-${METADATA_PARTITION}`;

const READ_BYTES = 1024 * 1024;

export class PartitionLogMetadataStore implements MetadataLogStore {
  private readonly watchers = new MetadataWatchers((offset) => this.readFrom(offset));
  /** Appends one at a time, so the end compared is the end appended at. */
  private appending: Promise<unknown> = Promise.resolve();
  /** The end of what is fsync'd: watchers never see a batch before it is durable. */
  private durableEnd: number;

  private constructor(readonly log: PartitionLog) {
    this.durableEnd = log.logEndOffset;
  }

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

  readAll(): Promise<Buffer[]> {
    return this.readFrom(this.log.logStartOffset);
  }

  append(batch: Buffer, options: MetadataAppendOptions = {}): Promise<MetadataAppendResult> {
    const next = this.appending.then(() => this.appendNow(batch, options.expectedOffset));
    this.appending = next.catch(() => undefined);
    return next;
  }

  watch(
    fromOffset: number,
    listener: MetadataBatchListener,
    options?: MetadataWatchOptions,
  ): () => void {
    return this.watchers.add(fromOffset, listener, options);
  }

  private async appendNow(
    batch: Buffer,
    expectedOffset: number | undefined,
  ): Promise<MetadataAppendResult> {
    if (this.log.logEndOffset > this.durableEnd) await this.settle();
    const nextOffset = this.durableEnd;
    if (expectedOffset !== undefined && expectedOffset !== nextOffset) {
      return { type: 'conflict', nextOffset };
    }
    const result = await this.log.append(batch);
    await this.settle();
    return { type: 'appended', baseOffset: result.baseOffset };
  }

  /**
   * Fsyncs what is appended and hands it to the watchers. When the fsync fails the append
   * rejects and its batch stays in doubt, in the log but not committed: the next append tries
   * the fsync again first and, once it succeeds, the batch commits after all (the writer
   * that lost sees a conflict and catches up). A restart would replay it too.
   */
  private async settle(): Promise<void> {
    await this.log.flush();
    this.durableEnd = this.log.logEndOffset;
    this.watchers.notify();
  }

  /** The batches from the one holding `offset` to the log end, CRC-checked by the log. */
  private async readFrom(offset: number): Promise<Buffer[]> {
    const batches: Buffer[] = [];
    const end = this.durableEnd;
    while (offset < end) {
      const result = await this.log.read(offset, { maxBytes: READ_BYTES, maxOffset: end });
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
        offset = batchEndOffset(batch);
        pos += size;
      }
    }
    return batches;
  }

  async close(): Promise<void> {
    this.watchers.close();
    await this.appending;
    // The metadata log is checked on every open, so a close whose writes failed (a full disk)
    // loses nothing: every append was fsynced before it counted.
    await this.log.close().catch((err: unknown) => {
      if (!isStorageFailure(err)) throw err;
    });
  }
}
