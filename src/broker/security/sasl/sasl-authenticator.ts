// One step of a connection's SASL exchange, shared by SaslAuthenticate and the raw tokens that
// follow a v0 SaslHandshake: feed the client's token to the mechanism chosen by the handshake
// and apply the outcome to the session, as Kafka's SaslServerAuthenticator does.
// - A challenge goes back to the client.
// - Success sets the principal and, with connections.max.reauth.ms (or a credential that
//   expires, such as an OAUTHBEARER token, while that setting is on), the session's lifetime
//   (KIP-368). Re-authentication must keep the principal.
// - Failure is answered after connection.failed.authentication.delay.ms (so a client guessing
//   passwords is slowed down) and the connection closes once the answer is written.
// Log lines name the user and the reason, never a token or a password.
import type { Logger } from '../../logger.js';
import type { Session } from '../../server/index.js';
import type { SaslListener } from '../broker-security.js';
import type { SaslExchange } from './sasl-mechanism.js';

export interface SaslStepContext {
  listener: SaslListener;
  nowMs: number;
  failedAuthenticationDelayMs: number;
  sleep: (ms: number) => Promise<void>;
  logger: Logger;
}

export type SaslStepOutcome =
  | { kind: 'continue'; bytes: Buffer }
  | { kind: 'authenticated'; bytes: Buffer; sessionLifetimeMs: number }
  | { kind: 'failed'; message: string };

/** Runs one token through the session's exchange; the session must have one. */
export async function saslStep(
  session: Session,
  token: Buffer,
  ctx: SaslStepContext,
): Promise<SaslStepOutcome> {
  const exchange = session.saslExchange!;
  const step = await (exchange.state as SaslExchange).evaluate(token);
  if (step.kind === 'challenge') {
    // Logged now: a client may never send the message that ends a failing exchange.
    if (step.failing !== undefined) {
      logFailure(session, step.failing, exchange.mechanism, ctx);
      exchange.failureLogged = true;
    }
    return { kind: 'continue', bytes: step.bytes };
  }
  session.saslExchange = null;
  if (step.kind === 'failed') {
    return fail(session, step.message, exchange.failureLogged ? null : exchange.mechanism, ctx);
  }
  const principal = `User:${step.principalName}`;
  if (session.saslState === 'authenticated' && principal !== session.principal) {
    const why = `Cannot change principals during re-authentication from ${session.principal}: ${principal}`;
    return fail(session, why, exchange.mechanism, ctx);
  }
  let lifetimeMs = 0;
  if (ctx.listener.maxReauthMs > 0) {
    lifetimeMs = ctx.listener.maxReauthMs;
    if (step.credentialExpiresAtMs !== undefined) {
      lifetimeMs = Math.max(0, Math.min(lifetimeMs, step.credentialExpiresAtMs - ctx.nowMs));
    }
  }
  const reauthenticated = session.saslState === 'authenticated';
  session.principal = principal;
  session.saslMechanism = exchange.mechanism;
  session.saslState = 'authenticated';
  session.sessionExpiresAtMs = lifetimeMs > 0 ? ctx.nowMs + lifetimeMs : null;
  ctx.logger.debug(
    `connection ${session.connectionId} from ${session.clientHost} ${reauthenticated ? 're-' : ''}authenticated as ${principal} with ${exchange.mechanism}`,
  );
  return { kind: 'authenticated', bytes: step.bytes, sessionLifetimeMs: lifetimeMs };
}

/** `mechanism` null: the failure was already logged. */
async function fail(
  session: Session,
  message: string,
  mechanism: string | null,
  ctx: SaslStepContext,
): Promise<SaslStepOutcome> {
  session.closeAfterResponse = true;
  if (mechanism !== null) logFailure(session, message, mechanism, ctx);
  if (ctx.failedAuthenticationDelayMs > 0) await ctx.sleep(ctx.failedAuthenticationDelayMs);
  return { kind: 'failed', message };
}

function logFailure(session: Session, message: string, mechanism: string, ctx: SaslStepContext) {
  ctx.logger.info(
    `Failed authentication with /${session.clientHost} (${mechanism} on ${session.listenerName}: ${message})`,
  );
}
