// SaslAuthenticate v0-2 (v1 added the session lifetime, v2+ is flexible). A client sends it only
// after a successful SaslHandshake, which no listener here grants (see 17-sasl-handshake.ts), so
// it is always out of place: ILLEGAL_SASL_STATE, the code Kafka gives a SaslAuthenticate that
// reaches its request handlers (on a PLAINTEXT listener, or after authentication).
import {
  ErrorCode,
  type SaslAuthenticateRequest,
  type SaslAuthenticateResponse,
} from '../../protocol/index.js';
import { defineHandler } from './handler-registry.js';
import type { HandlerFactory } from './handler-types.js';

export const saslAuthenticateHandler: HandlerFactory = () =>
  defineHandler<SaslAuthenticateRequest, SaslAuthenticateResponse>({
    apiKey: 36,
    name: 'SaslAuthenticate',
    minVersion: 0,
    maxVersion: 2,
    handle: () =>
      Promise.resolve({
        errorCode: ErrorCode.ILLEGAL_SASL_STATE,
        errorMessage:
          'SaslAuthenticate without a SaslHandshake: this listener has no SASL mechanism',
        authBytes: Buffer.alloc(0),
        sessionLifetimeMs: 0n,
      }),
  });
