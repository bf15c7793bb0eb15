// What the cleaner needs to know about the records of a batch, and how it rebuilds a batch with
// fewer records. The implementation wraps the record codec of src/protocol/records; the seam
// keeps the cleaner's logic independent of compression and record encoding details.

export interface CleanerRecord {
  /** Absolute offset of the record. */
  offset: number;
  timestamp: number;
  key: Buffer | null;
  /** A null value: a delete marker for its key. */
  isTombstone: boolean;
}

export interface CleanerCodec {
  /** The records of one whole batch (decompressed as needed). */
  records(batch: Buffer): Promise<CleanerRecord[]>;
  /**
   * A batch with the same base offset and header fields (producer, attributes, compression)
   * holding only the records at positions `keep` (ascending) of {@link records}' answer, each
   * with its original offset and timestamp.
   */
  rebuild(batch: Buffer, keep: readonly number[]): Promise<Buffer>;
}
