// The server side of one SASL exchange: tokens in, tokens out, until it succeeds (with the
// authenticated principal) or fails (with a message for SaslAuthenticate's error_message).

export type SaslStep =
  | {
      kind: 'challenge';
      bytes: Buffer;
      /** The exchange has already failed for this reason; the challenge reports it (RFC 7628). */
      failing?: string;
    }
  | {
      kind: 'done';
      bytes: Buffer;
      /** The principal name (without `User:`). */
      principalName: string;
      /** When the credential itself expires (an OAUTHBEARER token), in ms since the epoch. */
      credentialExpiresAtMs?: number;
    }
  | { kind: 'failed'; message: string };

export interface SaslExchange {
  evaluate(token: Buffer): Promise<SaslStep>;
}

export interface SaslMechanism {
  /** PLAIN, SCRAM-SHA-256, SCRAM-SHA-512 or OAUTHBEARER. */
  readonly name: string;
  start(): SaslExchange;
}

export function failed(message: string): SaslStep {
  return { kind: 'failed', message };
}
