// Byte encodings that sort as the values they encode, for the keys of windowed stores: a
// timestamp as 8 bytes with the sign bit flipped (so negative times sort first), and a key
// prefixed by its length (so one key's entries never interleave with a longer key's).

export function encodeTime(ms: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(ms) + 0x8000000000000000n);
  return b;
}

export function decodeTime(b: Buffer, offset: number): number {
  return Number(b.readBigUInt64BE(offset) - 0x8000000000000000n);
}

export function keyPrefix(k: Buffer): Buffer {
  const b = Buffer.alloc(4 + k.length);
  b.writeUInt32BE(k.length, 0);
  k.copy(b, 4);
  return b;
}
