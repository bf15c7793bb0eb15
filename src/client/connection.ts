// One TCP connection to one broker. Requests are pipelined: each gets the next correlation id
// and is written at once; responses come back in order and are matched by correlation id.
// On connect the client asks ApiVersions (v3, falling back to v0 when the broker answers
// UNSUPPORTED_VERSION, KIP-511) and every later request is sent at the highest version both
// sides support. A request that times out closes the connection, as Kafka's clients do, so no
// late answer can be mistaken for a newer request's and the caller retries on a fresh one.
import net from 'node:net';
import tls from 'node:tls';
import {
  apiByKey,
  decodeApiVersionsResponse,
  decodeResponseHeader,
  FrameDecoder,
  isFrameProblem,
  KafkaError,
  Reader,
  responseHeaderVersion,
  Writer,
  writeRequestHeader,
  type ApiVersionsResponse,
} from '../protocol/index.js';
import { ApiKey, pickVersion, type VersionRange } from './api-versions.js';
import { ClientError } from './errors.js';
import { saslAuthenticate, type SaslOptions } from './sasl-client.js';
import { VERSION } from '../util/version.js';

export interface ConnectionOptions {
  clientId?: string;
  /** socket.connection.setup.timeout.ms */
  connectTimeoutMs?: number;
  /** request.timeout.ms */
  requestTimeoutMs?: number;
  /** Largest response accepted (Kafka's clients allow up to 100 MiB fetches and more). */
  maxResponseBytes?: number;
  /** TLS (security.protocol SSL or SASL_SSL): true for the system's CAs, or node:tls options. */
  ssl?: boolean | SslOptions;
  /** SASL (security.protocol SASL_PLAINTEXT or SASL_SSL) on every connection. */
  sasl?: SaslOptions;
}

/** The node:tls options a Kafka client needs (PEM strings or buffers). */
export interface SslOptions {
  ca?: string | Buffer | (string | Buffer)[];
  cert?: string | Buffer;
  key?: string | Buffer;
  passphrase?: string;
  /** A PKCS12 keystore (key and certificate chain). */
  pfx?: Buffer;
  /** False skips certificate checks (ssl.endpoint.identification.algorithm= and no trust). */
  rejectUnauthorized?: boolean;
  /** The name the broker's certificate must carry; default: the host connected to. */
  servername?: string;
  /** False: verify the chain but not the host name (ssl.endpoint.identification.algorithm=). */
  checkHostname?: boolean;
}

export interface SendOptions {
  /** Overrides the negotiated version. */
  version?: number;
  timeoutMs?: number;
  /** False for Produce with acks=0: the broker sends nothing back. */
  expectResponse?: boolean;
}

interface Pending {
  apiKey: number;
  version: number;
  resolve(value: unknown): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

const SOFTWARE_NAME = 'rivulet-client';
const SOFTWARE_VERSION = VERSION;

export class Connection {
  readonly host: string;
  readonly port: number;
  readonly clientId: string;
  readonly requestTimeoutMs: number;
  private readonly socket: net.Socket;
  private readonly decoder: FrameDecoder;
  private readonly pending = new Map<number, Pending>();
  private nextCorrelationId = 0;
  private versions = new Map<number, VersionRange>();
  private closedError: Error | null = null;
  private reauthTimer: NodeJS.Timeout | null = null;
  private readonly sasl: SaslOptions | undefined;

  private constructor(socket: net.Socket, host: string, port: number, o: ConnectionOptions) {
    this.socket = socket;
    this.host = host;
    this.port = port;
    this.clientId = o.clientId ?? 'rivulet';
    this.requestTimeoutMs = o.requestTimeoutMs ?? 30_000;
    this.decoder = new FrameDecoder({ maxFrameBytes: o.maxResponseBytes ?? 1024 * 1024 * 1024 });
    this.sasl = o.sasl;
    socket.setNoDelay(true);
    socket.on('data', (chunk) => this.onData(chunk));
    socket.on('error', (err) => this.fail(connectionError(this, err)));
    socket.on('close', () => this.fail(connectionError(this, new Error('connection closed'))));
  }

  /** Opens a connection and negotiates API versions. */
  static async connect(host: string, port: number, options: ConnectionOptions = {}) {
    const socket = await openSocket(host, port, options.connectTimeoutMs ?? 10_000, options.ssl);
    const connection = new Connection(socket, host, port, options);
    try {
      await connection.negotiate();
      await connection.authenticate();
    } catch (err) {
      connection.close();
      throw err;
    }
    return connection;
  }

  get isOpen(): boolean {
    return this.closedError === null;
  }

  /** Requests awaiting a response. */
  get inFlight(): number {
    return this.pending.size;
  }

  /** The broker's version range for an API, if it has one. */
  brokerVersions(apiKey: number): VersionRange | undefined {
    return this.versions.get(apiKey);
  }

  /** The version `send` would use for `apiKey`; throws ClientError if there is none. */
  versionFor(apiKey: number): number {
    return pickVersion(apiKey, this.versions.get(apiKey));
  }

  /** Sends a request and resolves with the decoded response body. */
  send<T>(apiKey: number, body: object, options: SendOptions = {}): Promise<T> {
    if (this.closedError !== null) return Promise.reject(this.closedError);
    let version: number;
    let frame: Buffer[];
    const correlationId = this.nextCorrelationId;
    this.nextCorrelationId = (this.nextCorrelationId + 1) | 0;
    try {
      version = options.version ?? this.versionFor(apiKey);
      frame = this.encode(apiKey, version, correlationId, body);
    } catch (err) {
      return Promise.reject(err as Error);
    }
    this.write(frame);
    if (options.expectResponse === false) return Promise.resolve(undefined as T);
    return new Promise<T>((resolve, reject) => {
      const timeoutMs = options.timeoutMs ?? this.requestTimeoutMs;
      const timer = setTimeout(() => this.onTimeout(correlationId, timeoutMs), timeoutMs);
      this.pending.set(correlationId, {
        apiKey,
        version,
        resolve: resolve as (v: unknown) => void,
        reject,
        timer,
      });
    });
  }

  /** Closes the socket; pending requests fail with a retriable ERR_CONNECTION. */
  close(): void {
    if (this.reauthTimer !== null) clearTimeout(this.reauthTimer);
    this.fail(new ClientError('ERR_CONNECTION', `connection to ${this.address} closed`));
    this.socket.destroy();
  }

  get address(): string {
    return `${this.host}:${this.port}`;
  }

  private encode(apiKey: number, version: number, correlationId: number, body: object) {
    const api = apiByKey(apiKey);
    if (api?.encodeRequest === undefined) throw new Error(`no codec for api key ${apiKey}`);
    const w = new Writer();
    const size = w.reserveInt32();
    writeRequestHeader(w, {
      requestApiKey: apiKey,
      requestApiVersion: version,
      correlationId,
      clientId: this.clientId,
    });
    api.encodeRequest(w, version, body);
    w.patchInt32(size, w.length - 4);
    return w.toBuffers();
  }

  private write(buffers: Buffer[]): void {
    if (buffers.length === 1) {
      this.socket.write(buffers[0]!);
      return;
    }
    this.socket.cork();
    for (const b of buffers) this.socket.write(b);
    this.socket.uncork();
  }

  private async negotiate(): Promise<void> {
    const request = {
      clientSoftwareName: SOFTWARE_NAME,
      clientSoftwareVersion: SOFTWARE_VERSION,
    };
    let response = await this.send<ApiVersionsResponse>(ApiKey.ApiVersions, request, {
      version: 3,
    });
    if (response.errorCode === 35) {
      // The broker does not know v3; its answer (v0 shape) lists what it does know.
      const own = response.apiKeys.find((k) => k.apiKey === ApiKey.ApiVersions);
      const version = Math.min(own?.maxVersion ?? 0, 3);
      response = await this.send<ApiVersionsResponse>(ApiKey.ApiVersions, request, { version });
    }
    if (response.errorCode !== 0) throw new KafkaError(response.errorCode);
    this.versions = new Map(
      response.apiKeys.map((k) => [
        k.apiKey,
        { minVersion: k.minVersion, maxVersion: k.maxVersion },
      ]),
    );
  }

  /**
   * SASL authentication, when configured: SaslHandshake v1 then the mechanism's exchange. When
   * the broker gives the session a lifetime (KIP-368), the connection re-authenticates at a
   * random point between 85% and 95% of it, as Kafka's clients do; requests keep flowing.
   */
  private async authenticate(): Promise<void> {
    const sasl = this.sasl;
    if (sasl === undefined) return;
    const handshake = await this.send<{ errorCode: number; mechanisms: string[] }>(
      ApiKey.SaslHandshake,
      { mechanism: sasl.mechanism },
      { version: 1 },
    );
    if (handshake.errorCode !== 0) {
      const offered = handshake.mechanisms.join(', ') || 'none';
      throw new KafkaError(
        handshake.errorCode,
        `${this.address} does not offer SASL mechanism ${sasl.mechanism} (it offers: ${offered})`,
      );
    }
    const version = Math.min(this.versions.get(ApiKey.SaslAuthenticate)?.maxVersion ?? 0, 2);
    const lifetimeMs = await saslAuthenticate(sasl, (authBytes) =>
      this.send(ApiKey.SaslAuthenticate, { authBytes }, { version }),
    );
    if (lifetimeMs > 0 && this.isOpen) {
      const delayMs = lifetimeMs * (0.85 + Math.random() * 0.1);
      this.reauthTimer = setTimeout(() => {
        this.reauthTimer = null;
        // A failed re-authentication closes the connection; its requests then fail and retry.
        this.authenticate().catch(() => this.close());
      }, delayMs);
      this.reauthTimer.unref();
    }
  }

  private onData(chunk: Buffer): void {
    this.decoder.push(chunk);
    for (;;) {
      const frame = this.decoder.next();
      if (frame === null) return;
      if (isFrameProblem(frame)) {
        this.fail(
          new ClientError('ERR_CONNECTION', `bad frame from ${this.address}: ${frame.kind}`),
        );
        this.socket.destroy();
        return;
      }
      this.onFrame(frame);
    }
  }

  private onFrame(frame: Buffer): void {
    const correlationId = frame.length >= 4 ? frame.readInt32BE(0) : -1;
    const pending = this.pending.get(correlationId);
    if (pending === undefined) return; // The answer to a request given up on.
    this.pending.delete(correlationId);
    clearTimeout(pending.timer);
    try {
      const r = new Reader(frame);
      decodeResponseHeader(r, responseHeaderVersion(pending.apiKey, pending.version));
      // An ApiVersions error answer is always v0-shaped (KIP-511).
      const version =
        pending.apiKey === ApiKey.ApiVersions && frame.length >= 6 && frame.readInt16BE(4) === 35
          ? 0
          : pending.version;
      pending.resolve(decodeApiVersionsOr(pending.apiKey, r, version));
    } catch (err) {
      pending.reject(err as Error);
    }
  }

  private onTimeout(correlationId: number, timeoutMs: number): void {
    const pending = this.pending.get(correlationId);
    if (pending === undefined) return;
    this.pending.delete(correlationId);
    const name = apiByKey(pending.apiKey)?.name ?? String(pending.apiKey);
    pending.reject(
      new ClientError(
        'ERR_REQUEST_TIMEOUT',
        `${name} to ${this.address} timed out after ${timeoutMs} ms`,
      ),
    );
    this.close();
  }

  private fail(error: Error): void {
    if (this.closedError === null) this.closedError = error;
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(error);
    }
    this.pending.clear();
  }
}

function decodeApiVersionsOr(apiKey: number, r: Reader, version: number): unknown {
  if (apiKey === ApiKey.ApiVersions) return decodeApiVersionsResponse(r, version);
  return apiByKey(apiKey)!.decodeResponse!(r, version);
}

function connectionError(c: Connection, err: Error): ClientError {
  return new ClientError('ERR_CONNECTION', `connection to ${c.address} failed: ${err.message}`, {
    cause: err,
  });
}

function openSocket(
  host: string,
  port: number,
  timeoutMs: number,
  ssl: boolean | SslOptions | undefined,
): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    let socket: net.Socket;
    let ready = 'connect';
    if (ssl === undefined || ssl === false) socket = net.connect({ host, port });
    else {
      const o: SslOptions = ssl === true ? {} : ssl;
      const servername = o.servername ?? (net.isIP(host) === 0 ? host : undefined);
      socket = tls.connect({
        host,
        port,
        ...(servername === undefined ? {} : { servername }),
        ca: o.ca,
        cert: o.cert,
        key: o.key,
        passphrase: o.passphrase,
        pfx: o.pfx,
        rejectUnauthorized: o.rejectUnauthorized ?? true,
        ...(o.checkHostname === false ? { checkServerIdentity: () => undefined } : {}),
      });
      ready = 'secureConnect';
    }
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new ClientError('ERR_CONNECTION', `connecting to ${host}:${port} timed out`));
    }, timeoutMs);
    socket.once(ready, () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      resolve(socket);
    });
    socket.once('error', (err) => {
      clearTimeout(timer);
      reject(
        new ClientError('ERR_CONNECTION', `cannot connect to ${host}:${port}: ${err.message}`),
      );
    });
  });
}
