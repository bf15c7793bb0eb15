// max.connections.per.ip.overrides: `address:limit` pairs separated by commas, as in Kafka
// ("127.0.0.1:200,::1:50"; the last colon separates the limit, so IPv6 addresses work). Kafka
// also takes host names and resolves them once at start-up; Rivulet takes IP addresses only.
import { isIP } from 'node:net';

/** The limits by address, or what is wrong with `value`. */
export function parseConnectionOverrides(value: string): Map<string, number> | string {
  const out = new Map<string, number>();
  for (const raw of value.split(',')) {
    const item = raw.trim();
    if (item === '') continue;
    const colon = item.lastIndexOf(':');
    const address = item
      .slice(0, colon)
      .trim()
      .replace(/^\[(.*)\]$/, '$1');
    const limit = item.slice(colon + 1).trim();
    if (colon <= 0 || !/^\d+$/.test(limit)) return `'${item}' is not of the form address:limit`;
    if (isIP(address) === 0)
      return `'${address}' is not an IP address (host names are not supported)`;
    out.set(address, Number(limit));
  }
  return out;
}
