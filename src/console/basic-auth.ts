// An optional login for the console: HTTP Basic authentication (RFC 7617) against a list of
// users and passwords, given as `user:password` pairs (`--basic-auth`) or a file of such lines
// (`--basic-auth-file`, `console.auth.basic.users`). Every page, form and asset asks for it;
// the browser shows its own login dialog. Basic authentication sends the password with every
// request, readable by anyone on the path: serve the console over TLS (a reverse proxy) when it
// leaves the machine.
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** The realm browsers show in their login dialog. */
export const BASIC_AUTH_REALM = 'Rivulet console';

/** `user:password` → [user, password]; the password may itself contain colons. */
export function parseBasicAuthUser(pair: string): [string, string] {
  const at = pair.indexOf(':');
  if (at <= 0 || at === pair.length - 1) {
    throw new Error(
      `'${pair.length > 0 ? pair.slice(0, Math.max(0, at)) : ''}:…' is not user:password`,
    );
  }
  return [pair.slice(0, at), pair.slice(at + 1)];
}

/** The users of a file: one `user:password` per line; blank lines and `#` comments skipped. */
export function readBasicAuthUsers(file: string): Map<string, string> {
  const users = new Map<string, string>();
  const lines = readFileSync(file, 'utf8').split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    try {
      const [user, password] = parseBasicAuthUser(line);
      users.set(user, password);
    } catch {
      throw new Error(`${file}:${i + 1}: not user:password`);
    }
  });
  if (users.size === 0) throw new Error(`${file}: no users`);
  return users;
}

export class BasicAuth {
  /** Digests of `user:password` (fixed length, so they are compared in constant time). */
  private readonly digests: Buffer[];

  constructor(users: ReadonlyMap<string, string>) {
    this.digests = [...users].map(([user, password]) => digest(`${user}:${password}`));
  }

  /** Whether an Authorization header names one of the users with the right password. */
  allows(authorization: string | string[] | undefined): boolean {
    if (typeof authorization !== 'string') return false;
    const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization);
    if (m === null) return false;
    const given = digest(Buffer.from(m[1]!, 'base64').toString('utf8'));
    // Every entry is compared, so the time taken says nothing about which user matched.
    let ok = false;
    for (const d of this.digests) ok = timingSafeEqual(d, given) || ok;
    return ok;
  }
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
