// Typed failures of the wire codecs. A malformed frame is an expected outcome (a client or a
// network can send anything), so decoders raise only ProtocolDecodeError and the connection
// layer turns it into "close this connection"; nothing else may escape a decoder.

/** Bytes that do not follow the Kafka wire format for the given message and version. */
export class ProtocolDecodeError extends Error {
  override readonly name = 'ProtocolDecodeError';
  /** Byte position in the input where the problem was found. */
  readonly position: number;

  constructor(message: string, position: number) {
    super(`${message} at byte ${position}`);
    this.position = position;
  }
}

/**
 * A value that cannot be written at the requested version: a non-ignorable field with a
 * non-default value that the version lacks, a null where the version forbids it, or a number
 * out of range for its wire type. Raised while building a frame, so it is a caller bug.
 */
export class ProtocolEncodeError extends Error {
  override readonly name = 'ProtocolEncodeError';
}

/** The error for a non-ignorable field with a non-default value that `version` lacks. */
export function fieldUnsupported(field: string, version: number): ProtocolEncodeError {
  return new ProtocolEncodeError(
    `${field} has a non-default value but version ${version} lacks it`,
  );
}

/** Returns `v`, or throws if it is null where the version does not allow null. */
export function nonNull<T>(v: T | null, field: string): T {
  if (v === null)
    throw new ProtocolEncodeError(`${field} is null but this version is not nullable`);
  return v;
}
