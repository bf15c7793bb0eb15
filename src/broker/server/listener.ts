// Listener addresses in Kafka's form, `NAME://host:port`, as used by `listeners` and
// `advertised.listeners`. An empty host means all interfaces, as in Kafka.

export interface ListenerAddress {
  /** The listener name; with the default protocol map it is also the security protocol. */
  name: string;
  host: string;
  port: number;
  /** PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL (listener.security.protocol.map); default PLAINTEXT. */
  securityProtocol?: string;
}

/** Security protocols the server speaks. */
export const SUPPORTED_SECURITY_PROTOCOLS: readonly string[] = [
  'PLAINTEXT',
  'SSL',
  'SASL_PLAINTEXT',
  'SASL_SSL',
];

/** Parses a comma-separated listener list, or says what is wrong with it. */
export function parseListeners(value: string): ListenerAddress[] | string {
  const out: ListenerAddress[] = [];
  for (const raw of value.split(',')) {
    const item = raw.trim();
    if (item === '') continue;
    const match = /^([A-Za-z0-9_]+):\/\/(\[[^\]]*\]|[^:]*):(\d+)$/.exec(item);
    if (match === null) return `'${item}' is not of the form NAME://host:port`;
    const port = Number(match[3]);
    if (port > 65535) return `'${item}' has a port above 65535`;
    const host = match[2]!.replace(/^\[(.*)\]$/, '$1');
    const name = match[1]!.toUpperCase();
    if (out.some((l) => l.name === name)) return `listener name ${name} appears twice`;
    out.push({ name, host, port });
  }
  if (out.length === 0) return 'no listener given';
  return out;
}

/** `host:port`, bracketing IPv6 hosts. */
export function formatHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

export function formatListener(listener: ListenerAddress): string {
  return `${listener.name}://${formatHostPort(listener.host, listener.port)}`;
}
