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
}

/** Opens a connection to another broker's listener. Rejects when it cannot be reached. */
export async function connectToBroker(
  host: string,
  port: number,
  options: InterBrokerConnectOptions,
): Promise<InterBrokerConnection> {
  const connection = await Connection.connect(host, port, {
    clientId: options.clientId,
    requestTimeoutMs: options.requestTimeoutMs,
    connectTimeoutMs: options.requestTimeoutMs,
  });
  return {
    get isOpen() {
      return connection.isOpen;
    },
    send: (apiKey, body, o) => connection.send(apiKey, body, o),
    close: () => connection.close(),
  };
}
