// The broker's one door into the client layer: a follower's fetcher and the leader's
// AlterPartition requests travel over the client's Connection (framing, correlation ids,
// ApiVersions negotiation, timeouts), as Kafka's replica fetcher uses its NetworkClient. Only
// this file may import from src/client (see docs/decisions/0003-inter-broker-connection.md and
// .dependency-cruiser.cjs), so the broker depends on nothing else of the client.
import { Connection } from '../../client/connection.js';

export interface InterBrokerConnection {
  readonly isOpen: boolean;
  /** Sends a request at `version` and resolves with the decoded response body. */
  send<T>(
    apiKey: number,
    body: object,
    options: { version: number; timeoutMs?: number },
  ): Promise<T>;
  close(): void;
}

export interface InterBrokerConnectOptions {
  /** The client id the leader sees (Kafka's is `broker-<id>-fetcher-<n>`). */
  clientId: string;
  /** replica.socket.timeout.ms */
  requestTimeoutMs: number;
  /** TLS and SASL of the inter-broker listener, read for each new connection; none: PLAINTEXT. */
  security?: () => Promise<InterBrokerSecurity>;
}

/** How this broker connects to the others' inter-broker listener (see broker/security/). */
export interface InterBrokerSecurity {
  /** SSL or SASL_SSL: node:tls options (PEM or PKCS12 client keystore, trusted CAs). */
  tls?: {
    ca?: string[];
    key?: string;
    cert?: string;
    pfx?: Buffer;
    passphrase?: string;
    /** ssl.endpoint.identification.algorithm=https checks the host name; empty does not. */
    checkHostname: boolean;
  };
  /** SASL_PLAINTEXT or SASL_SSL: sasl.mechanism.inter.broker.protocol and its JAAS login. */
  sasl?: {
    mechanism: 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512';
    username: string;
    password: string;
  };
}

/** Opens a connection to another broker's listener. Rejects when it cannot be reached. */
export async function connectToBroker(
  host: string,
  port: number,
  options: InterBrokerConnectOptions,
): Promise<InterBrokerConnection> {
  const security = (await options.security?.()) ?? {};
  const tls = security.tls;
  const connection = await Connection.connect(host, port, {
    clientId: options.clientId,
    requestTimeoutMs: options.requestTimeoutMs,
    connectTimeoutMs: options.requestTimeoutMs,
    ...(tls === undefined
      ? {}
      : {
          ssl: {
            ca: tls.ca,
            key: tls.key,
            cert: tls.cert,
            pfx: tls.pfx,
            passphrase: tls.passphrase,
            checkHostname: tls.checkHostname,
          },
        }),
    ...(security.sasl === undefined ? {} : { sasl: security.sasl }),
  });
  return {
    get isOpen() {
      return connection.isOpen;
    },
    send: (apiKey, body, o) => connection.send(apiKey, body, o),
    close: () => connection.close(),
  };
}
