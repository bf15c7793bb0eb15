// What the producer counts about its own sending, under the names Kafka's Java producer gives
// the same measurements in its `producer-metrics` group (record-send-total, request-latency-avg,
// batch-size-avg, ...), so that `producer-perf-test --print-metrics` and an application's own
// monitoring read familiar names. Only plain counters are kept on the send path; averages and
// rates are worked out when asked for.

export interface ProducerMetric {
  /** Kafka's metric group, e.g. `producer-metrics`. */
  group: string;
  /** Kafka's metric name, e.g. `record-send-total`. */
  name: string;
  tags: Record<string, string>;
  value: number;
}

export class ProducerMetrics {
  private readonly startedMs: number;
  private recordsSent = 0;
  private recordErrors = 0;
  private recordRetries = 0;
  private requests = 0;
  private responses = 0;
  private requestLatencyTotalMs = 0;
  private requestLatencyMaxMs = 0;
  private batches = 0;
  private batchBytesTotal = 0;
  private batchBytesMax = 0;
  private uncompressedBytesTotal = 0;
  private recordsInRequests = 0;
  private outgoingBytes = 0;
  private throttleTotalMs = 0;
  private throttleMaxMs = 0;

  constructor(
    private readonly clientId: string,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.startedMs = now();
  }

  /** A Produce request left with these batches (encoded sizes) holding this many records. */
  requestSent(batches: readonly { encodedBytes: number; rawBytes: number; records: number }[]) {
    this.requests++;
    for (const b of batches) {
      this.batches++;
      this.batchBytesTotal += b.encodedBytes;
      this.batchBytesMax = Math.max(this.batchBytesMax, b.encodedBytes);
      this.uncompressedBytesTotal += b.rawBytes;
      this.recordsInRequests += b.records;
      this.outgoingBytes += b.encodedBytes;
    }
  }

  /** A Produce request was answered after `latencyMs`, throttled for `throttleMs`. */
  requestAnswered(latencyMs: number, throttleMs: number): void {
    this.responses++;
    this.requestLatencyTotalMs += latencyMs;
    this.requestLatencyMaxMs = Math.max(this.requestLatencyMaxMs, latencyMs);
    this.throttleTotalMs += throttleMs;
    this.throttleMaxMs = Math.max(this.throttleMaxMs, throttleMs);
  }

  recordsDelivered(count: number): void {
    this.recordsSent += count;
  }

  recordsFailed(count: number): void {
    this.recordErrors += count;
  }

  recordsRetried(count: number): void {
    this.recordRetries += count;
  }

  /** Every metric, sorted by name, as Kafka's `producer-metrics` group reports them. */
  snapshot(extra: { bufferAvailableBytes: number; bufferTotalBytes: number }): ProducerMetric[] {
    const seconds = Math.max(this.now() - this.startedMs, 1) / 1000;
    const avg = (total: number, n: number) => (n === 0 ? 0 : total / n);
    const values: Record<string, number> = {
      'batch-size-avg': avg(this.batchBytesTotal, this.batches),
      'batch-size-max': this.batchBytesMax,
      'buffer-available-bytes': extra.bufferAvailableBytes,
      'buffer-total-bytes': extra.bufferTotalBytes,
      'compression-rate-avg': avg(this.batchBytesTotal, this.uncompressedBytesTotal),
      'outgoing-byte-rate': this.outgoingBytes / seconds,
      'outgoing-byte-total': this.outgoingBytes,
      'produce-throttle-time-avg': avg(this.throttleTotalMs, this.responses),
      'produce-throttle-time-max': this.throttleMaxMs,
      'record-error-rate': this.recordErrors / seconds,
      'record-error-total': this.recordErrors,
      'record-retry-rate': this.recordRetries / seconds,
      'record-retry-total': this.recordRetries,
      'record-send-rate': this.recordsSent / seconds,
      'record-send-total': this.recordsSent,
      'records-per-request-avg': avg(this.recordsInRequests, this.requests),
      'request-latency-avg': avg(this.requestLatencyTotalMs, this.responses),
      'request-latency-max': this.requestLatencyMaxMs,
      'request-rate': this.requests / seconds,
      'request-total': this.requests,
    };
    return Object.entries(values).map(([name, value]) => ({
      group: 'producer-metrics',
      name,
      tags: { 'client-id': this.clientId },
      value,
    }));
  }
}

/**
 * Kafka's `--print-metrics` table: `group:name:{tag=value}` padded to the longest name, then
 * ` : ` and the value with three decimals.
 */
export function formatMetrics(metrics: readonly ProducerMetric[]): string {
  const named = metrics
    .map((m) => {
      const tags = Object.entries(m.tags)
        .map(([k, v]) => `${k}=${v}`)
        .join(', ');
      return { key: `${m.group}:${m.name}:{${tags}}`, value: m.value };
    })
    .sort((a, b) => a.key.localeCompare(b.key));
  const width = Math.max('Metric Name'.length, ...named.map((m) => m.key.length));
  const lines = [`${'Metric Name'.padEnd(width)} Value`];
  for (const m of named) lines.push(`${m.key.padEnd(width)} : ${m.value.toFixed(3)}`);
  return lines.join('\n');
}
