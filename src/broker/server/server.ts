// The broker's network server: one listener per configured listener (through the
// environment's Network, node:net by default), connection limits, server-wide budgets for
// requests in flight and request memory, and graceful stop.
import type { Socket } from 'node:net';
import {
  createServer as createTlsServer,
  type Server as TlsServer,
  type TLSSocket,
  type TlsOptions,
} from 'node:tls';
import {
  nodeNetwork,
  scheduleRepeating,
  systemTimers,
  type CancelTimer,
  type Network,
  type NetworkListener,
  type Timers,
} from '../../util/index.js';
import type { Logger } from '../logger.js';
import { Connection, type ConnectionHost } from './connection.js';
import { ConnectionRate } from './connection-rate.js';
import { FrameArena } from './frame-arena.js';
import { DEFAULT_SERVER_LIMITS, type ServerLimits } from './limits.js';
import { formatListener, type ListenerAddress } from './listener.js';
import { RequestMemory } from './request-memory.js';
import type { RequestHandler } from './request-handler.js';

export interface ServerOptions {
  listeners: readonly ListenerAddress[];
  limits?: Partial<ServerLimits>;
  logger: Logger;
  /** The idle-connection check runs on these timers. Default: the real ones. */
  timers?: Timers;
  /** Where the listeners listen. Default: node:net. */
  network?: Network;
  /** TLS of each SSL and SASL_SSL listener, by listener name. */
  tls?: ReadonlyMap<string, ServerTls>;
}

/** TLS of an SSL or SASL_SSL listener (broker/security/tls/listener-tls.ts makes them). */
export interface ServerTls {
  /**
   * The settings for a new connection; asked once per accepted connection, so a renewed
   * certificate serves new connections. `version` changes when the settings were reloaded.
   */
  current(): Promise<{ version: number; options: TlsOptions }>;
  /** The principal of a connection whose handshake completed; null refuses it. */
  principalOf(socket: TLSSocket): string | null;
}

export interface StopOptions {
  /** How long to wait for in-flight requests before closing connections anyway. */
  timeoutMs?: number;
}

/** Bytes of the buffer all connections read into; a read takes at most this much. */
const READ_BUFFER_BYTES = 256 * 1024;

export class NetworkServer implements ConnectionHost {
  readonly limits: ServerLimits;
  readonly logger: Logger;
  readonly arena = new FrameArena();
  readonly readBuffer = Buffer.allocUnsafeSlow(READ_BUFFER_BYTES);
  readonly memory: RequestMemory;
  /** Advanced every idleCheckMs; connections note it when bytes move (connections.max.idle.ms). */
  tick = 0;
  private readonly idleCheckMs: number;
  private cancelIdleCheck: CancelTimer | null = null;
  /** Listeners as bound: port 0 is replaced by the port the system chose. */
  readonly boundListeners: ListenerAddress[] = [];
  private readonly servers: NetworkListener[] = [];
  private readonly brokerRate: ConnectionRate | null;
  private readonly listenerRates = new Map<string, ConnectionRate>();
  /** The TLS server of each SSL or SASL_SSL listener and the settings version it has. */
  private readonly tlsServers = new Map<string, { server: TlsServer; version: number }>();
  private readonly connections = new Set<Connection>();
  private readonly perIp = new Map<string, number>();
  private readonly waiting = new Set<Connection>();
  private nextConnectionId = 0;
  private queuedRequests = 0;
  private stopping: Promise<void> | null = null;
  private allClosed: (() => void) | null = null;

  constructor(
    readonly handler: RequestHandler,
    private readonly options: ServerOptions,
  ) {
    this.limits = { ...DEFAULT_SERVER_LIMITS, ...options.limits };
    this.logger = options.logger;
    const maxBytes = this.limits.maxQueuedRequestBytes;
    this.memory = new RequestMemory(maxBytes > 0 ? maxBytes : Infinity, () => {
      this.logger.debug(`request memory reached queued.max.request.bytes=${maxBytes}`);
      for (const conn of this.connections) conn.memoryExhausted();
    });
    const rate = this.limits.maxConnectionCreationRate;
    this.brokerRate = rate > 0 && rate < 2147483647 ? new ConnectionRate(rate) : null;
    for (const [name, perSecond] of this.limits.listenerConnectionCreationRates) {
      if (perSecond > 0 && perSecond < 2147483647) {
        this.listenerRates.set(name, new ConnectionRate(perSecond));
      }
    }
    // Idle connections close between one and 1.25 idle timeouts after their last traffic.
    this.idleCheckMs = Math.max(5, Math.min(Math.ceil(this.limits.idleTimeoutMs / 4), 10_000));
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  /** Open connections per listener name (the metrics' connection-count per listener). */
  connectionsByListener(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const l of this.options.listeners) counts.set(l.name, 0);
    for (const conn of this.connections) {
      const name = conn.session.listenerName;
      counts.set(name, (counts.get(name) ?? 0) + 1);
    }
    return counts;
  }

  /** Binds every listener; rejects (after closing what was bound) if one cannot be bound. */
  async start(): Promise<void> {
    this.cancelIdleCheck = scheduleRepeating(
      this.options.timers ?? systemTimers,
      this.idleCheckMs,
      () => this.checkIdle(),
    );
    try {
      for (const listener of this.options.listeners) await this.bind(listener);
    } catch (err) {
      await this.stop({ timeoutMs: 0 });
      throw err;
    }
  }

  /** Stops accepting, lets in-flight requests finish (bounded by timeoutMs), then closes. */
  stop(options: StopOptions = {}): Promise<void> {
    this.stopping ??= this.doStop(options.timeoutMs ?? 5000);
    return this.stopping;
  }

  acquireRequestSlot(conn: Connection): boolean {
    if (this.queuedRequests >= this.limits.maxQueuedRequests) {
      this.waiting.add(conn);
      return false;
    }
    this.queuedRequests++;
    return true;
  }

  releaseRequestSlot(): void {
    this.queuedRequests--;
    // Wake connections waiting for budget; each takes a slot if one is still free.
    for (const conn of this.waiting) {
      if (this.queuedRequests >= this.limits.maxQueuedRequests) break;
      this.waiting.delete(conn);
      conn.wake();
    }
  }

  private checkIdle(): void {
    this.tick++;
    for (const conn of this.connections) conn.checkIdle(this.idleCheckMs);
  }

  connectionClosed(conn: Connection): void {
    this.connections.delete(conn);
    this.waiting.delete(conn);
    const left = (this.perIp.get(conn.clientHost) ?? 1) - 1;
    if (left === 0) this.perIp.delete(conn.clientHost);
    else this.perIp.set(conn.clientHost, left);
    if (this.connections.size === 0) {
      // Nobody is left to reuse the arena's free slabs soon; let their memory go.
      this.arena.trim();
      this.allClosed?.();
    }
  }

  private async bind(listener: ListenerAddress): Promise<void> {
    const network = this.options.network ?? nodeNetwork;
    const server = await network.listen(
      {
        host: listener.host === '' ? undefined : listener.host,
        port: listener.port,
        allowHalfOpen: true,
        // Connections read into the shared buffer from their first byte (see shared-reads.ts).
        pauseOnConnect: true,
        highWaterMark: this.limits.writeHighWaterBytes,
      },
      (socket) => this.throttle(socket, listener),
    );
    this.servers.push(server);
    server.onError((err) => this.logger.error(`listener ${listener.name} failed`, { err }));
    const bound = { ...listener, port: server.port };
    this.boundListeners.push(bound);
    this.logger.debug(`listening on ${formatListener(bound)}`);
  }

  /**
   * Holds a new connection back while the broker's or its listener's
   * max.connection.creation.rate is exceeded; it is accepted when its turn comes.
   */
  private throttle(socket: Socket, listener: ListenerAddress): void {
    const now = Date.now();
    let waitMs = this.brokerRate?.reserve(now) ?? 0;
    const listenerRate = this.listenerRates.get(listener.name);
    if (listenerRate !== undefined) waitMs = Math.max(waitMs, listenerRate.reserve(now));
    if (waitMs <= 0) return this.accept(socket, listener);
    this.logger.debug(
      `throttling a new connection on ${listener.name} for ${Math.ceil(waitMs)} ms (max.connection.creation.rate)`,
    );
    (this.options.timers ?? systemTimers).schedule(waitMs, () => {
      if (socket.destroyed) return;
      this.accept(socket, listener);
    });
  }

  private accept(socket: Socket, listener: ListenerAddress): void {
    const protocol = listener.securityProtocol ?? 'PLAINTEXT';
    if (protocol !== 'SSL' && protocol !== 'SASL_SSL') {
      this.adopt(socket, listener.name, protocol);
      return;
    }
    const tls = this.options.tls?.get(listener.name);
    if (tls === undefined || this.refusal(clientAddress(socket.remoteAddress)) !== null) {
      socket.destroy();
      return;
    }
    this.handshake(socket, listener.name, protocol, tls);
  }

  /**
   * Runs the TLS handshake of an accepted socket, then serves it like any connection. A client
   * that does not speak TLS (or fails the handshake) is closed; the handshake must finish
   * within connections.max.idle.ms. Each listener has a node:tls server that is never bound:
   * accepted sockets are handed to it, and a reloaded keystore becomes its new context.
   */
  private handshake(raw: Socket, name: string, protocol: string, tls: ServerTls): void {
    raw.on('error', () => raw.destroy());
    tls.current().then(
      ({ version, options }) => {
        if (raw.destroyed) return;
        let entry = this.tlsServers.get(name);
        if (entry === undefined) {
          entry = { server: this.tlsServer(name, protocol, tls, options), version };
          this.tlsServers.set(name, entry);
        } else if (entry.version !== version) {
          entry.server.setSecureContext(options);
          entry.version = version;
        }
        entry.server.emit('connection', raw);
      },
      (err: unknown) => {
        this.logger.error(`listener ${name}: no TLS context`, { err });
        raw.destroy();
      },
    );
  }

  private tlsServer(
    name: string,
    protocol: string,
    tls: ServerTls,
    options: TlsOptions,
  ): TlsServer {
    const server = createTlsServer({
      ...options,
      handshakeTimeout: Math.min(this.limits.idleTimeoutMs, 2 ** 31 - 1),
    });
    server.on('tlsClientError', (err, socket) => {
      const from = clientAddress(socket.remoteAddress);
      this.logger.debug(`TLS connection from ${from} on ${name} failed: ${err.message}`);
      socket.destroy();
    });
    server.on('secureConnection', (socket: TLSSocket) => {
      const from = clientAddress(socket.remoteAddress);
      const principal = tls.principalOf(socket);
      if (principal === null) {
        this.logger.warn(
          `closing TLS connection from ${from}: no ssl.principal.mapping.rules rule applies`,
        );
        socket.destroy();
        return;
      }
      this.logger.debug(`TLS connection from ${from} on ${name}: principal ${principal}`);
      this.adopt(socket as Socket, name, protocol, principal);
    });
    return server;
  }

  private refusal(ip: string): string | null {
    const fromIp = this.perIp.get(ip) ?? 0;
    const perIpLimit =
      this.limits.maxConnectionsPerIpOverrides.get(ip) ?? this.limits.maxConnectionsPerIp;
    if (this.stopping !== null) return 'the server is stopping';
    if (this.connections.size >= this.limits.maxConnections) return 'max.connections';
    if (fromIp >= perIpLimit) return 'max.connections.per.ip';
    return null;
  }

  /**
   * Serves an accepted connection of listener `listenerName`. A plain TCP socket must come
   * paused (`pauseOnConnect`) so that it can read into the shared buffer; any other socket (a
   * TLS socket, after its handshake) is read the ordinary way. `principal`: the TLS client's,
   * from its certificate.
   */
  adopt(
    socket: Socket,
    listenerName: string,
    securityProtocol = 'PLAINTEXT',
    principal?: string,
  ): void {
    const ip = clientAddress(socket.remoteAddress);
    const fromIp = this.perIp.get(ip) ?? 0;
    const refusal = this.refusal(ip);
    if (refusal !== null) {
      this.logger.debug(`refusing connection from ${ip}: ${refusal}`);
      socket.destroy();
      return;
    }
    this.perIp.set(ip, fromIp + 1);
    const meta = {
      id: this.nextConnectionId++,
      listenerName,
      securityProtocol,
      clientHost: ip,
      principal,
    };
    const conn = new Connection(socket, this, meta);
    this.connections.add(conn);
  }

  private async doStop(timeoutMs: number): Promise<void> {
    this.cancelIdleCheck?.();
    const closed = this.servers.map((server) => server.close());
    if (this.connections.size > 0) {
      const drained = new Promise<void>((resolve) => (this.allClosed = resolve));
      for (const conn of this.connections) conn.shutdown();
      // Real time on purpose: close() bounds how long the process waits to stop, which a
      // simulated clock that nobody advances would never end.
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(true), timeoutMs);
      });
      const late = await Promise.race([drained.then(() => false), timedOut]);
      clearTimeout(timer);
      if (late) {
        this.logger.warn(`closing ${this.connections.size} connections with requests in flight`);
        for (const conn of this.connections) conn.destroy();
      }
    }
    await Promise.all(closed);
  }
}

/** The client's address, with an IPv4 address seen through a dual-stack socket unwrapped. */
function clientAddress(remote: string | undefined): string {
  if (remote === undefined) return '';
  return remote.startsWith('::ffff:') && remote.includes('.') ? remote.slice(7) : remote;
}

/** Creates a server for `handler` and binds its listeners. */
export async function startServer(
  handler: RequestHandler,
  options: ServerOptions,
): Promise<NetworkServer> {
  const server = new NetworkServer(handler, options);
  await server.start();
  return server;
}
