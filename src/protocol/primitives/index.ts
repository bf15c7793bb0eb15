// The wire encodings every codec builds on.
export { Reader, type TagReader } from './reader.js';
export { Writer, type TagWriter, type Reservation } from './writer.js';
export {
  ProtocolDecodeError,
  ProtocolEncodeError,
  fieldUnsupported,
  nonNull,
} from './codec-errors.js';
export type { TaggedField, WithUnknownTaggedFields } from './tagged-field.js';
export { ZERO_UUID, isUuid, uuidFromBytes, uuidToBytes } from './uuid.js';
