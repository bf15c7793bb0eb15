// HTTP Basic authentication passed through to Kafka (authentication.method=BASIC): each
// request's user and password become the SASL PLAIN or SCRAM credentials of an admin client and
// a producer that the proxy keeps per principal, so the cluster's own authentication and ACLs
// decide what each caller may do, as with Confluent's REST Proxy and its propagated
// credentials. The proxy never checks a password itself: the broker does, when the principal's
// clients connect. Clients are keyed by user and a hash of the password (a wrong password
// never reaches another's clients), closed once idle for authentication.clients.idle.timeout.ms,
// and at most authentication.clients.max principals are held at once.
import { createHash } from 'node:crypto';
import { HttpError, type HttpRequest } from '../http/index.js';
import { kafkaFailure, TOO_MANY_REQUESTS } from './rest-errors.js';
import type { RestContext } from './rest-context.js';
import type { RestAuthentication } from './rest-proxy-config.js';

export interface Credentials {
  username: string;
  password: string;
}

/** One principal's connected clients and what it is doing now. */
interface Entry {
  ready: Promise<RestContext>;
  context: RestContext | null;
  /** Requests under way: an entry is never closed while it serves one. */
  busy: number;
  lastUsedMs: number;
}

export class PrincipalClients {
  private readonly entries = new Map<string, Entry>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly options: RestAuthentication,
    /** Connects a principal's clients; rejects when the cluster refuses the credentials. */
    private readonly connect: (credentials: Credentials) => Promise<RestContext>,
  ) {
    const periodMs = Math.max(50, Math.min(1_000, Math.floor(options.clientsIdleTimeoutMs / 2)));
    this.timer = setInterval(() => this.closeIdle(), periodMs);
    this.timer.unref();
  }

  /** Principals whose clients are held now. */
  get size(): number {
    return this.entries.size;
  }

  /**
   * Runs `op` with the clients of the request's principal. No credentials: 401 with the
   * WWW-Authenticate challenge; credentials the cluster refuses: 401 40101.
   */
  async run<T>(request: HttpRequest, op: (context: RestContext) => Promise<T>): Promise<T> {
    const credentials = basicCredentials(request.headers.authorization);
    if (credentials === null) throw this.challenge();
    const key = `${credentials.username}\u0000${hashOf(credentials.password)}`;
    const entry = this.entries.get(key) ?? this.open(key, credentials);
    entry.busy++;
    try {
      const context = await entry.ready;
      return await op(context);
    } finally {
      entry.busy--;
      entry.lastUsedMs = Date.now();
    }
  }

  /** Closes every principal's clients. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    const all = [...this.entries.values()];
    this.entries.clear();
    await Promise.all(all.map((e) => closeEntry(e)));
  }

  private open(key: string, credentials: Credentials): Entry {
    if (this.entries.size >= this.options.clientsMax) this.evictOne();
    const entry: Entry = {
      ready: this.connect(credentials),
      context: null,
      busy: 0,
      lastUsedMs: 0,
    };
    entry.ready.then(
      (context) => (entry.context = context),
      () => {
        // A refused or failed connection is not kept: the next request tries again.
        if (this.entries.get(key) === entry) this.entries.delete(key);
      },
    );
    entry.ready = entry.ready.catch((err: unknown) => {
      throw kafkaFailure(err);
    });
    this.entries.set(key, entry);
    return entry;
  }

  /** Makes room for a new principal by closing the least recently used idle one. */
  private evictOne(): void {
    let oldest: [string, Entry] | null = null;
    for (const pair of this.entries) {
      if (pair[1].busy > 0) continue;
      if (oldest === null || pair[1].lastUsedMs < oldest[1].lastUsedMs) oldest = pair;
    }
    if (oldest === null) {
      throw new HttpError(
        429,
        TOO_MANY_REQUESTS,
        `Too many principals at once: this proxy holds clients for at most ${this.options.clientsMax} (authentication.clients.max).`,
      );
    }
    this.entries.delete(oldest[0]);
    void closeEntry(oldest[1]);
  }

  private closeIdle(): void {
    const now = Date.now();
    for (const [key, entry] of this.entries) {
      if (entry.busy > 0 || entry.context === null) continue;
      if (now - entry.lastUsedMs < this.options.clientsIdleTimeoutMs) continue;
      this.entries.delete(key);
      void closeEntry(entry);
    }
  }

  private challenge(): HttpError {
    const error = new HttpError(401, 401, 'Unauthorized');
    error.headers = { 'www-authenticate': `Basic realm="${this.options.realm}"` };
    return error;
  }
}

/** The user and password of an `Authorization: Basic ...` header (RFC 7617), else null. */
export function basicCredentials(header: string | string[] | undefined): Credentials | null {
  const value = Array.isArray(header) ? header[0] : header;
  const match = value === undefined ? null : /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(value);
  if (match === null) return null;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return null;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

function hashOf(password: string): string {
  return createHash('sha256').update(password).digest('base64');
}

async function closeEntry(entry: Entry): Promise<void> {
  const context = await entry.ready.catch(() => null);
  if (context === null) return;
  await context.producer.close().catch(() => {});
  context.admin.close();
}
