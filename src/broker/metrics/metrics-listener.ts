// The metrics.listener config value: where the Prometheus endpoint listens.

export interface MetricsListener {
  host: string;
  port: number;
}

/** Reads `http://host:port` (host may be empty or [v6]); a string says what is wrong. */
export function parseMetricsListener(text: string): MetricsListener | string {
  const m = /^http:\/\/(\[[^\]]*\]|[^:/]*):(\d+)\/?$/i.exec(text.trim());
  if (m === null) return `'${text}' is not http://host:port`;
  const port = Number(m[2]);
  if (port > 65535) return `'${text}' has no valid port`;
  const host = m[1]!.replace(/^\[|\]$/g, '');
  return { host: host === '' ? '0.0.0.0' : host, port };
}
