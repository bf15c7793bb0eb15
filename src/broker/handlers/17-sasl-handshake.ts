// SaslHandshake v0-1. On a SASL listener it picks the mechanism of the exchange and answers the
// listener's enabled mechanisms (sasl.enabled.mechanisms); a mechanism not enabled gets
// UNSUPPORTED_SASL_MECHANISM with that list, and the client closes. v1 (KIP-152) is followed by
// SaslAuthenticate requests; after v0 the client sends the tokens raw, as size-prefixed frames
// without Kafka headers (kafka-python 2.0 still does), served through Session.saslRawTokens.
// A handshake on an authenticated session starts re-authentication (KIP-368, v1 only).
// On a listener without SASL there is no mechanism: UNSUPPORTED_SASL_MECHANISM with an empty
// list (Kafka answers ILLEGAL_SASL_STATE there; the empty list names the cause more plainly).
import {
  ErrorCode,
  type SaslHandshakeRequest,
  type SaslHandshakeResponse,
} from '../../protocol/index.js';
import { saslStep } from '../security/sasl/sasl-authenticator.js';
import { defineHandler } from './handler-registry.js';
import type { HandlerFactory } from './handler-types.js';

export const saslHandshakeHandler: HandlerFactory = (broker) =>
  defineHandler<SaslHandshakeRequest, SaslHandshakeResponse>({
    apiKey: 17,
    name: 'SaslHandshake',
    minVersion: 0,
    maxVersion: 1,
    handle: (request, ctx) => {
      const session = ctx.session;
      const listener = broker.security?.sasl.get(session.listenerName);
      if (listener === undefined || session.saslState === 'none') {
        return Promise.resolve({ errorCode: ErrorCode.UNSUPPORTED_SASL_MECHANISM, mechanisms: [] });
      }
      const mechanisms = [...listener.mechanisms.keys()];
      if (session.saslExchange !== null) {
        // Kafka allows one handshake per exchange.
        return Promise.reject(new Error('a second SaslHandshake during one SASL exchange'));
      }
      if (session.saslState === 'authenticated' && ctx.apiVersion < 1) {
        return Promise.reject(new Error('re-authentication needs SaslHandshake v1'));
      }
      const mechanism = listener.mechanisms.get(request.mechanism.toUpperCase());
      if (mechanism === undefined) {
        return Promise.resolve({ errorCode: ErrorCode.UNSUPPORTED_SASL_MECHANISM, mechanisms });
      }
      session.saslExchange = { mechanism: mechanism.name, state: mechanism.start() };
      if (ctx.apiVersion === 0) {
        const env = broker.environment;
        const security = broker.security!;
        session.saslRawTokens = async (token) => {
          const outcome = await saslStep(session, token, {
            listener,
            nowMs: env.clock.nowMs(),
            failedAuthenticationDelayMs: security.failedAuthenticationDelayMs,
            sleep: (ms) => new Promise((resolve) => env.timers.schedule(ms, resolve)),
            logger: broker.logger,
          });
          // The raw framing has no way to carry an error: a failure closes the connection.
          if (outcome.kind === 'failed') return null;
          if (outcome.kind === 'authenticated') session.saslRawTokens = null;
          return outcome.bytes;
        };
      }
      return Promise.resolve({ errorCode: ErrorCode.NONE, mechanisms });
    },
  });
