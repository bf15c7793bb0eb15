// The one exception type the record decoders throw. Corrupt or truncated bytes from a peer or
// a disk are expected input, so decoders turn every such case into this error, with a kind a
// caller can map to a Kafka error code (CORRUPT_MESSAGE, UNSUPPORTED_COMPRESSION_TYPE).

export type RecordDecodeProblem =
  | 'truncated'
  | 'invalid-length'
  | 'invalid-varint'
  | 'corrupt-crc'
  | 'unsupported-magic'
  | 'unsupported-compression'
  | 'corrupt-compressed-data'
  | 'decompressed-too-large'
  | 'record-count-mismatch'
  | 'invalid-control-record';

export class RecordDecodeError extends Error {
  override readonly name = 'RecordDecodeError';
  constructor(
    readonly problem: RecordDecodeProblem,
    detail: string,
  ) {
    super(`${problem}: ${detail}`);
  }
}

/** Wraps anything thrown by a decoder body so only {@link RecordDecodeError} escapes. */
export function asDecodeError(err: unknown, problem: RecordDecodeProblem): RecordDecodeError {
  if (err instanceof RecordDecodeError) return err;
  return new RecordDecodeError(problem, err instanceof Error ? err.message : String(err));
}
