// CRC-32C (Castagnoli), the checksum of Kafka record batches. Native (SSE4.2 / ARMv8 CRC
// instructions through @node-rs/crc32): a pure-JS table implementation halves produce
// throughput on this hardware (DESIGN.md, the data path).
import { crc32c as nativeCrc32c } from '@node-rs/crc32';

/** CRC-32C of `bytes`, optionally continuing from a previous `crc`. Unsigned 32-bit result. */
export function crc32c(bytes: Uint8Array, crc = 0): number {
  // The native function only accepts Buffers; a Uint8Array view is wrapped without copying.
  const buf = Buffer.isBuffer(bytes)
    ? bytes
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return nativeCrc32c(buf, crc) >>> 0;
}
