// Batches no consumer can read, for tests of how clients report them.
import { encodeRecordBatch } from '../../../src/protocol/index.js';
import { crc32c } from '../../../src/util/crc32c.js';

/**
 * A batch whose attributes say gzip while its records are not compressed, with a CRC that
 * matches: it passes every header check and fails to decompress.
 */
export async function gzipFlagged(values: string[]): Promise<Buffer> {
  const b = await encodeRecordBatch(values.map((v) => ({ value: Buffer.from(v) })));
  b.writeInt16BE(b.readInt16BE(21) | 1, 21);
  b.writeUInt32BE(crc32c(b.subarray(21)), 17);
  return b;
}
