// The native compression libraries, loaded on first use. Loading all three at import time costs
// ~25 ms and several MB of resident memory at broker start, while most clusters see one codec
// at most (often none). They are CommonJS packages, so a synchronous require() is enough.
import { createRequire } from 'node:module';
import type * as Lz4 from 'lz4-napi';
import type * as Snappy from 'snappy';
import type * as Zstd from '@mongodb-js/zstd';

const require = createRequire(import.meta.url);

let lz4: typeof Lz4 | undefined;
let snappy: typeof Snappy | undefined;
let zstd: typeof Zstd | undefined;

export function lz4Codec(): typeof Lz4 {
  return (lz4 ??= require('lz4-napi') as typeof Lz4);
}

export function snappyCodec(): typeof Snappy {
  return (snappy ??= require('snappy') as typeof Snappy);
}

export function zstdCodec(): typeof Zstd {
  return (zstd ??= require('@mongodb-js/zstd') as typeof Zstd);
}
