// SCRAM-SHA-256 and SCRAM-SHA-512 (RFC 5802, RFC 7677) as Kafka's ScramSaslServer runs them:
//   client-first  n,[a=authzid],n=<user>,r=<client nonce>[,extensions]
//   server-first  r=<client nonce><server nonce>,s=<salt>,i=<iterations>
//   client-final  c=<base64 gs2 header>,r=<nonce>,p=<proof>
//   server-final  v=<server signature>
// The proof is checked against the stored key: ClientKey = proof XOR HMAC(StoredKey,
// AuthMessage) and H(ClientKey) must equal StoredKey. Channel binding is not offered (gs2 'y'
// or 'p' is refused), as in Kafka.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { failed, type SaslExchange, type SaslMechanism, type SaslStep } from './sasl-mechanism.js';
import {
  digest,
  hmac,
  type ScramCredentialLookup,
  type ScramMechanismInfo,
} from './scram-credential.js';

const INVALID_CREDENTIALS = (mechanism: string): string =>
  `Authentication failed during authentication due to invalid credentials with SASL mechanism ${mechanism}`;

export class ScramMechanism implements SaslMechanism {
  readonly name: string;

  constructor(
    private readonly info: ScramMechanismInfo,
    private readonly credentials: ScramCredentialLookup,
  ) {
    this.name = info.name;
  }

  start(): SaslExchange {
    return new ScramExchange(this.info, this.credentials);
  }
}

class ScramExchange implements SaslExchange {
  private state: 'first' | 'final' | 'done' = 'first';
  private user = '';
  private gs2Header = '';
  private clientFirstBare = '';
  private serverFirst = '';
  private nonce = '';

  constructor(
    private readonly info: ScramMechanismInfo,
    private readonly credentials: ScramCredentialLookup,
  ) {}

  evaluate(token: Buffer): Promise<SaslStep> {
    const text = token.toString('utf8');
    if (this.state === 'first') return Promise.resolve(this.first(text));
    if (this.state === 'final') return Promise.resolve(this.final(text));
    return Promise.resolve(failed('SCRAM exchange already complete'));
  }

  private first(text: string): SaslStep {
    const m = /^([ny]),(a=[^,]*)?,(.*)$/.exec(text);
    if (m === null) {
      return failed(
        `Invalid SCRAM client first message: channel binding or gs2 header not supported`,
      );
    }
    this.gs2Header = `${m[1]},${m[2] ?? ''},`;
    this.clientFirstBare = m[3]!;
    const attrs = attributes(this.clientFirstBare);
    const user = attrs.get('n');
    const clientNonce = attrs.get('r');
    if (user === undefined || clientNonce === undefined || clientNonce === '') {
      return failed('Invalid SCRAM client first message: no user name or nonce');
    }
    this.user = user.replace(/=2C/g, ',').replace(/=3D/g, '=');
    const authzid = m[2]?.slice(2);
    if (authzid !== undefined && authzid !== '' && authzid !== this.user) {
      return failed(
        'Authentication failed: Client requested an authorization id that is different from username',
      );
    }
    if (attrs.get('tokenauth') === 'true') {
      return failed('Authentication failed: delegation tokens are not supported');
    }
    const credential = this.credentials(this.user, this.info);
    if (credential === undefined) return failed(INVALID_CREDENTIALS(this.info.name));
    this.nonce = clientNonce + randomBytes(18).toString('base64');
    this.serverFirst = `r=${this.nonce},s=${credential.salt.toString('base64')},i=${credential.iterations}`;
    this.state = 'final';
    return { kind: 'challenge', bytes: Buffer.from(this.serverFirst) };
  }

  private final(text: string): SaslStep {
    this.state = 'done';
    const proofAt = text.lastIndexOf(',p=');
    if (proofAt < 0) return failed('Invalid SCRAM client final message: no proof');
    const withoutProof = text.slice(0, proofAt);
    const attrs = attributes(withoutProof);
    const proof = Buffer.from(text.slice(proofAt + 3), 'base64');
    // Kafka checks only that the final nonce ends with the server-first nonce: librdkafka
    // sends its client nonce once more in front of it, and Kafka accepts that.
    if (!(attrs.get('r') ?? '').endsWith(this.nonce)) {
      return failed('Invalid SCRAM client final message: wrong nonce');
    }
    if (attrs.get('c') !== Buffer.from(this.gs2Header).toString('base64')) {
      return failed('Invalid SCRAM client final message: channel binding does not match');
    }
    // Looked up again: a credential removed during the exchange no longer authenticates.
    const credential = this.credentials(this.user, this.info);
    if (credential === undefined) return failed(INVALID_CREDENTIALS(this.info.name));
    const hash = this.info.hash;
    const authMessage = `${this.clientFirstBare},${this.serverFirst},${withoutProof}`;
    const clientSignature = hmac(hash, credential.storedKey, authMessage);
    if (proof.length !== clientSignature.length) return failed(INVALID_CREDENTIALS(this.info.name));
    const clientKey = Buffer.alloc(proof.length);
    for (let i = 0; i < proof.length; i++) clientKey[i] = proof[i]! ^ clientSignature[i]!;
    if (!timingSafeEqual(digest(hash, clientKey), credential.storedKey)) {
      return failed(INVALID_CREDENTIALS(this.info.name));
    }
    const serverSignature = hmac(hash, credential.serverKey, authMessage);
    return {
      kind: 'done',
      bytes: Buffer.from(`v=${serverSignature.toString('base64')}`),
      principalName: this.user,
    };
  }
}

/** `k=v,k=v` attributes of a SCRAM message (values may contain '='). */
function attributes(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of text.split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) out.set(part.slice(0, eq), part.slice(eq + 1));
  }
  return out;
}
