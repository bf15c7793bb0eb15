// One etcd client per broker, shared by the metadata log store, the broker's registration lease
// and the controller election. The library's own fault handling (three retries, then a circuit
// breaker that refuses every call for five seconds) is switched off: the callers here retry on
// their own schedule, and a breaker that stays open after etcd is back would delay a broker's
// return by seconds for nothing. Watches reconnect with a short capped back-off for the same
// reason.
import { Etcd3 } from 'etcd3';
import { ExponentialBackoff, noop, type IBackoff } from 'cockatiel';

export interface EtcdConnectionOptions {
  /** `http://host:port` of each etcd member (`metadata.etcd.endpoints`). */
  endpoints: readonly string[];
  /** Time to wait for a connection before a call fails. Default 2000 ms. */
  dialTimeoutMs?: number;
  /** TLS towards etcd (https:// endpoints): trusted CA, and a client certificate if asked. */
  tls?: { ca: Buffer; cert?: Buffer; key?: Buffer };
  /** etcd's user/password authentication. */
  auth?: { username: string; password: string };
}

/** The deadline each unary call gets, so a call to an unreachable etcd fails instead of hanging. */
export const ETCD_CALL_TIMEOUT_MS = 3000;

export function connectEtcd(options: EtcdConnectionOptions): Etcd3 {
  return new Etcd3({
    hosts: [...options.endpoints],
    dialTimeout: options.dialTimeoutMs ?? 2000,
    ...(options.tls === undefined
      ? {}
      : {
          credentials: {
            rootCertificate: options.tls.ca,
            ...(options.tls.key === undefined ? {} : { privateKey: options.tls.key }),
            ...(options.tls.cert === undefined ? {} : { certChain: options.tls.cert }),
          },
        }),
    ...(options.auth === undefined
      ? {}
      : {
          auth: {
            ...options.auth,
            // Token requests get the same deadline as every call, so a down etcd fails fast.
            callOptions: () => ({ deadline: Date.now() + ETCD_CALL_TIMEOUT_MS }),
          },
        }),
    defaultCallOptions: (context) =>
      context.isStream ? {} : { deadline: Date.now() + ETCD_CALL_TIMEOUT_MS },
    faultHandling: {
      host: () => noop,
      global: noop,
      // The watch manager calls `next()` on it first, so a factory is what it needs (the
      // library's type says IBackoff).
      watchBackoff: new ExponentialBackoff({
        initialDelay: 50,
        maxDelay: 1000,
      }) as unknown as IBackoff<unknown>,
    },
  });
}

/** Splits `metadata.etcd.endpoints` (a comma list); a bare host:port gets `http://`. */
export function parseEtcdEndpoints(value: string): string[] {
  return value
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '')
    .map((e) => (/^[a-z]+:\/\//i.test(e) ? e : `http://${e}`));
}
