/**
 * A tagged field this code does not know (KIP-482). Decoders keep them so that a message
 * passes through re-encoding unchanged; `data` is a view of the input, not a copy.
 */
export interface TaggedField {
  tag: number;
  data: Buffer;
}

/** Structs of flexible versions may carry tagged fields no decoder recognised. */
export interface WithUnknownTaggedFields {
  _unknownTaggedFields?: TaggedField[];
}
