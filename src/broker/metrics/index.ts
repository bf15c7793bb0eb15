// The broker's Prometheus metrics: the families (broker-metrics.ts), the hot-path counters that
// feed them, consumer lag, and the /metrics listener.
export { BrokerTopicStats, type TopicCounts } from './broker-topic-stats.js';
export {
  createBrokerMetrics,
  type BrokerMetrics,
  type BrokerMetricsSources,
} from './broker-metrics.js';
export { consumerLagSamples, type ConsumerLagSamples } from './consumer-lag.js';
export { LeaderOffsets, clusterLeaderOffsets } from './leader-offsets.js';
export { parseMetricsListener, type MetricsListener } from './metrics-listener.js';
export { startMetricsServer, type MetricsServer } from './metrics-server.js';
export { REQUEST_TIME_BUCKETS_MS, RequestStats } from './request-stats.js';
export { HistogramCounts } from './snapshot-metric.js';
