// A connection's session: who is on the other end and what they told us, kept for the
// connection's life. The connection makes it when it accepts the socket; the request pipeline's
// stages fill it in (the authenticate stage the principal and SASL state, every request its
// client id, ApiVersions v3+ the client's software name and version, as KIP-511 has the
// network layer do). Handlers read it through their request context and never see the socket.

/** Kafka's principal of a connection that did not authenticate (PLAINTEXT, plain SSL). */
export const ANONYMOUS_PRINCIPAL = 'User:ANONYMOUS';

/** Kafka's value for a client software name or version the client has not sent (KIP-511). */
export const UNKNOWN_CLIENT_SOFTWARE = 'unknown';

/**
 * Where a connection is in authentication. `none`: the listener does not authenticate (the
 * principal is known from the start); `handshake`: a SASL listener waiting for
 * SaslHandshake/SaslAuthenticate; `authenticated`: done (re-authentication, KIP-368, goes back
 * through `handshake` on the same connection).
 */
export type SaslState = 'none' | 'handshake' | 'authenticated';

/** Where a connection came from. */
export interface SessionOrigin {
  /** Unique per server, for logs and per-connection state such as fetch sessions. */
  connectionId: number;
  listenerName: string;
  /** PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL. */
  securityProtocol: string;
  clientHost: string;
  clientPort: number;
}

export class Session implements SessionOrigin {
  readonly connectionId: number;
  readonly listenerName: string;
  readonly securityProtocol: string;
  readonly clientHost: string;
  readonly clientPort: number;
  /** The authenticated principal, `User:<name>`. */
  principal = ANONYMOUS_PRINCIPAL;
  saslState: SaslState;
  /** The client id of the latest request header (null if the client sent none). */
  clientId: string | null = null;
  /** From ApiVersions v3+ (KIP-511); `unknown` until then. */
  clientSoftwareName = UNKNOWN_CLIENT_SOFTWARE;
  clientSoftwareVersion = UNKNOWN_CLIENT_SOFTWARE;
  /**
   * The SASL exchange under way: the mechanism chosen by SaslHandshake and its server state
   * (broker/security/sasl/); null outside an exchange.
   */
  saslExchange: { mechanism: string; state: unknown; failureLogged?: boolean } | null = null;
  /**
   * After a v0 SaslHandshake the client sends SASL tokens as bare size-prefixed frames, not
   * Kafka requests: while this is set, each frame goes here and the answer goes back the same
   * way (null: authentication failed, close).
   */
  saslRawTokens: ((token: Buffer) => Promise<Buffer | null>) | null = null;
  /** The mechanism the session authenticated with (null before, and without SASL). */
  saslMechanism: string | null = null;
  /** When the SASL session ends without re-authentication (KIP-368); null: never. */
  sessionExpiresAtMs: number | null = null;
  /** Set by a failed authentication: the connection closes once this response is written. */
  closeAfterResponse = false;

  constructor(origin: SessionOrigin) {
    this.connectionId = origin.connectionId;
    this.listenerName = origin.listenerName;
    this.securityProtocol = origin.securityProtocol;
    this.clientHost = origin.clientHost;
    this.clientPort = origin.clientPort;
    this.saslState = origin.securityProtocol.startsWith('SASL_') ? 'handshake' : 'none';
  }
}
