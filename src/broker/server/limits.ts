// The server's limits, each under its Kafka config name where Kafka has one.

export interface ServerLimits {
  /** socket.request.max.bytes: a larger request frame closes the connection. */
  maxRequestBytes: number;
  /** queued.max.requests.per.connection (Rivulet): requests one connection may have in flight. */
  maxInFlightPerConnection: number;
  /** queued.max.requests: requests in flight across all connections. */
  maxQueuedRequests: number;
  /** connections.max.idle.ms: a connection with no traffic and no request in flight is closed. */
  idleTimeoutMs: number;
  /** max.connections: new connections beyond this are refused. */
  maxConnections: number;
  /** max.connections.per.ip: new connections from one address beyond this are refused. */
  maxConnectionsPerIp: number;
  /** max.connections.per.ip.overrides: per-address limits, by IP address. */
  maxConnectionsPerIpOverrides: ReadonlyMap<string, number>;
  /** max.connection.creation.rate: new connections per second across listeners (KIP-612). */
  maxConnectionCreationRate: number;
  /** listener.name.<l>.max.connection.creation.rate, by listener name. */
  listenerConnectionCreationRates: ReadonlyMap<string, number>;
  /**
   * queued.max.request.bytes: bytes of request frames held across connections (being read,
   * waiting, being handled); at the limit connections stop reading. 0 or less: unbounded.
   */
  maxQueuedRequestBytes: number;
  /**
   * Bytes of unsent responses above which a connection stops reading requests until the socket
   * drains, so a client that does not read cannot make the broker buffer without bound.
   */
  writeHighWaterBytes: number;
}

export const DEFAULT_SERVER_LIMITS: ServerLimits = {
  maxRequestBytes: 104857600,
  maxInFlightPerConnection: 100,
  maxQueuedRequests: 500,
  idleTimeoutMs: 600000,
  maxConnections: 2147483647,
  maxConnectionsPerIp: 2147483647,
  maxConnectionsPerIpOverrides: new Map(),
  maxConnectionCreationRate: 2147483647,
  listenerConnectionCreationRates: new Map(),
  maxQueuedRequestBytes: 268435456,
  writeHighWaterBytes: 1048576,
};
