// SaslAuthenticate v0-2 (KIP-152; v1 added session_lifetime_ms for re-authentication, KIP-368;
// v2 is flexible). Carries the tokens of the exchange the SaslHandshake started. Without a
// handshake first it is out of place: on a SASL listener the connection closes (Kafka's
// "Unexpected Kafka request of type SASL_AUTHENTICATE during SASL handshake"); elsewhere, or
// after authentication, ILLEGAL_SASL_STATE. A failed exchange answers SASL_AUTHENTICATION_FAILED
// with the reason, after connection.failed.authentication.delay.ms, then closes the connection.
import {
  ErrorCode,
  type SaslAuthenticateRequest,
  type SaslAuthenticateResponse,
} from '../../protocol/index.js';
import { saslStep } from '../security/sasl/sasl-authenticator.js';
import { defineHandler } from './handler-registry.js';
import type { HandlerFactory } from './handler-types.js';

export const saslAuthenticateHandler: HandlerFactory = (broker) =>
  defineHandler<SaslAuthenticateRequest, SaslAuthenticateResponse>({
    apiKey: 36,
    name: 'SaslAuthenticate',
    minVersion: 0,
    maxVersion: 2,
    handle: async (request, ctx) => {
      const session = ctx.session;
      const security = broker.security;
      const listener = security?.sasl.get(session.listenerName);
      if (security === undefined || listener === undefined || session.saslExchange === null) {
        if (session.saslState === 'handshake') {
          throw new Error('SaslAuthenticate before a SaslHandshake');
        }
        return {
          errorCode: ErrorCode.ILLEGAL_SASL_STATE,
          errorMessage:
            session.saslState === 'none'
              ? 'SaslAuthenticate on a listener without SASL'
              : 'SaslAuthenticate without a SaslHandshake',
          authBytes: Buffer.alloc(0),
          sessionLifetimeMs: 0n,
        };
      }
      const env = broker.environment;
      const outcome = await saslStep(session, request.authBytes, {
        listener,
        nowMs: env.clock.nowMs(),
        failedAuthenticationDelayMs: security.failedAuthenticationDelayMs,
        sleep: (ms) => new Promise((resolve) => env.timers.schedule(ms, resolve)),
        logger: broker.logger,
      });
      if (outcome.kind === 'failed') {
        return {
          errorCode: ErrorCode.SASL_AUTHENTICATION_FAILED,
          errorMessage: outcome.message,
          authBytes: Buffer.alloc(0),
          sessionLifetimeMs: 0n,
        };
      }
      return {
        errorCode: ErrorCode.NONE,
        errorMessage: null,
        authBytes: outcome.bytes,
        sessionLifetimeMs: BigInt(outcome.kind === 'authenticated' ? outcome.sessionLifetimeMs : 0),
      };
    },
  });
