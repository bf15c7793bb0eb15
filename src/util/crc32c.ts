// CRC-32C (Castagnoli), the checksum of Kafka record batches. Native (SSE4.2 / ARMv8 CRC
// instructions through @node-rs/crc32): a pure-JS table implementation halves produce
// throughput on this hardware (DESIGN.md, the data path).
//
// The binding is a CommonJS package, loaded with a synchronous require() on the first checksum:
// importing it as an ES module costs ~25 ms of broker start-up (the CommonJS export scan and
// the loader's first use), and a broker starting on an empty data dir computes no checksum.
import { createRequire } from 'node:module';
import type * as Crc32 from '@node-rs/crc32';

const require = createRequire(import.meta.url);

let native: typeof Crc32.crc32c | undefined;

/** CRC-32C of `bytes`, optionally continuing from a previous `crc`. Unsigned 32-bit result. */
export function crc32c(bytes: Uint8Array, crc = 0): number {
  native ??= (require('@node-rs/crc32') as typeof Crc32).crc32c;
  // The native function only accepts Buffers; a Uint8Array view is wrapped without copying.
  const buf = Buffer.isBuffer(bytes)
    ? bytes
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return native(buf, crc) >>> 0;
}
