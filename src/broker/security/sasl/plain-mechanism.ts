// SASL/PLAIN (RFC 4616) as Kafka's PlainSaslServer: one message `authzid NUL authcid NUL
// password`, checked against the `user_<name>="<password>"` options of the listener's
// PlainLoginModule. The authorization id must be empty or the user's own name.
import { timingSafeEqual } from 'node:crypto';
import { failed, type SaslExchange, type SaslMechanism, type SaslStep } from './sasl-mechanism.js';

export class PlainMechanism implements SaslMechanism {
  readonly name = 'PLAIN';

  /** `users`: name → password, from `user_<name>` JAAS options. */
  constructor(private readonly users: ReadonlyMap<string, string>) {}

  start(): SaslExchange {
    return { evaluate: (token) => Promise.resolve(this.check(token)) };
  }

  private check(token: Buffer): SaslStep {
    const parts = token.toString('utf8').split('\0');
    if (parts.length !== 3) {
      return failed('Invalid SASL/PLAIN response: expected 3 tokens, got ' + parts.length);
    }
    const [authzid, username, password] = parts as [string, string, string];
    if (username === '') return failed('Authentication failed: username not specified');
    if (password === '') return failed('Authentication failed: password not specified');
    const expected = this.users.get(username);
    if (expected === undefined || !sameSecret(expected, password)) {
      return failed('Authentication failed: Invalid username or password');
    }
    if (authzid !== '' && authzid !== username) {
      return failed(
        'Authentication failed: Client requested an authorization id that is different from username',
      );
    }
    return { kind: 'done', bytes: Buffer.alloc(0), principalName: username };
  }
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
