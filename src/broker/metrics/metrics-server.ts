// The broker's Prometheus endpoint: GET /metrics on its own HTTP listener (metrics.listener,
// e.g. http://0.0.0.0:9404, the JMX exporter's customary port), off unless configured, so a
// broker exposes nothing over HTTP by default.
import { Registry } from 'prom-client';
import { HttpResponse, HttpServer } from '../../http/index.js';
import type { Logger } from '../logger.js';
import type { BrokerMetrics } from './broker-metrics.js';
import type { MetricsListener } from './metrics-listener.js';

export interface MetricsServer {
  /** Where it listens, as bound (port 0 resolved). */
  host: string;
  port: number;
  url: string;
  close(): Promise<void>;
}

export async function startMetricsServer(
  metrics: BrokerMetrics,
  options: { listener: MetricsListener; logger: Logger },
): Promise<MetricsServer> {
  const http = new HttpServer({
    onServerError: (err) => options.logger.error('metrics scrape failed', { err }),
  });
  const contentType = Registry.PROMETHEUS_CONTENT_TYPE;
  http.route({
    method: 'GET',
    url: '/metrics',
    handler: async () =>
      new HttpResponse(200, await metrics.scrape(), { 'content-type': contentType }),
  });
  const bound = await http.listen(options.listener);
  return {
    host: bound.host,
    port: bound.port,
    url: `${bound.url}/metrics`,
    close: async () => {
      await http.close();
      metrics.close();
    },
  };
}
