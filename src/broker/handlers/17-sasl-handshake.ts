// SaslHandshake v0-1. Rivulet's listeners are PLAINTEXT only, so no SASL mechanism is enabled:
// every handshake gets UNSUPPORTED_SASL_MECHANISM with an empty mechanism list, which clients
// report as "the broker offers none of the mechanisms you asked for" and then close. Kafka on a
// PLAINTEXT listener answers ILLEGAL_SASL_STATE instead (its KafkaApis treats a handshake that
// reaches it as one sent after authentication); the empty list names the cause more plainly.
// Either way the connection stays open and the client decides to close it.
import {
  ErrorCode,
  type SaslHandshakeRequest,
  type SaslHandshakeResponse,
} from '../../protocol/index.js';
import { defineHandler } from './handler-registry.js';
import type { HandlerFactory } from './handler-types.js';

export const saslHandshakeHandler: HandlerFactory = () =>
  defineHandler<SaslHandshakeRequest, SaslHandshakeResponse>({
    apiKey: 17,
    name: 'SaslHandshake',
    minVersion: 0,
    maxVersion: 1,
    handle: () =>
      Promise.resolve({ errorCode: ErrorCode.UNSUPPORTED_SASL_MECHANISM, mechanisms: [] }),
  });
