// Bytes in and out per second of the cluster, from a Prometheus endpoint of the broker(s).
// The names are the ones the Prometheus JMX exporter's Kafka rules give Kafka's
// BrokerTopicMetrics (`kafka_server_brokertopicmetrics_bytesin_total`, `..._bytesout_total`),
// so the console reads a Kafka cluster scraped by the JMX exporter and Rivulet's own /metrics
// alike. Counters are sampled on a timer; a rate is the difference of two samples.

export const BYTES_IN = 'kafka_server_brokertopicmetrics_bytesin_total';
export const BYTES_OUT = 'kafka_server_brokertopicmetrics_bytesout_total';
/** Samples kept: 60 at the default interval is five minutes of history. */
export const MAX_SAMPLES = 60;

export interface CounterTotals {
  bytesIn: number;
  bytesOut: number;
}

export interface RatePoint {
  timeMs: number;
  bytesInPerSec: number;
  bytesOutPerSec: number;
}

/**
 * The cluster-wide totals in a Prometheus text exposition: the series without a `topic`
 * label (the JMX exporter's all-topics MBean), or the sum over topics where there is none.
 * Null when the text holds neither metric.
 */
export function parseCounterTotals(text: string): CounterTotals | null {
  const seen = {
    [BYTES_IN]: { total: 0, topics: 0, hasTotal: false, any: false },
    [BYTES_OUT]: { total: 0, topics: 0, hasTotal: false, any: false },
  };
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (m === null) continue;
    const entry = seen[m[1] as keyof typeof seen];
    if (entry === undefined) continue;
    const value = Number(m[3]);
    if (!Number.isFinite(value)) continue;
    entry.any = true;
    if (/(^|[{,])\s*topic\s*=/.test(m[2] ?? '')) entry.topics += value;
    else {
      entry.total += value;
      entry.hasTotal = true;
    }
  }
  if (!seen[BYTES_IN].any && !seen[BYTES_OUT].any) return null;
  const pick = (e: (typeof seen)[typeof BYTES_IN]) => (e.hasTotal ? e.total : e.topics);
  return { bytesIn: pick(seen[BYTES_IN]), bytesOut: pick(seen[BYTES_OUT]) };
}

export class ThroughputSource {
  readonly url: string;
  private readonly intervalMs: number;
  private readonly samples: ({ timeMs: number } & CounterTotals)[] = [];
  private timer: NodeJS.Timeout | null = null;
  private inFlight: Promise<void> | null = null;
  /** Why the last scrape failed, or null after a good one. */
  lastError: string | null = null;

  constructor(url: string, options: { intervalMs?: number | undefined } = {}) {
    this.url = url;
    this.intervalMs = options.intervalMs ?? 5_000;
  }

  get refreshMs(): number {
    return this.intervalMs;
  }

  start(): void {
    if (this.timer !== null) return;
    void this.scrape();
    this.timer = setInterval(() => void this.scrape(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  /** One scrape now (at most one at a time). */
  scrape(): Promise<void> {
    this.inFlight ??= this.scrapeOnce().finally(() => (this.inFlight = null));
    return this.inFlight;
  }

  /** Rates between consecutive samples, oldest first. */
  rates(): RatePoint[] {
    const out: RatePoint[] = [];
    for (let i = 1; i < this.samples.length; i++) {
      const a = this.samples[i - 1]!;
      const b = this.samples[i]!;
      const seconds = (b.timeMs - a.timeMs) / 1000;
      if (seconds <= 0) continue;
      // A counter that went down means a broker restarted: that interval has no rate.
      if (b.bytesIn < a.bytesIn || b.bytesOut < a.bytesOut) continue;
      out.push({
        timeMs: b.timeMs,
        bytesInPerSec: (b.bytesIn - a.bytesIn) / seconds,
        bytesOutPerSec: (b.bytesOut - a.bytesOut) / seconds,
      });
    }
    return out;
  }

  private async scrapeOnce(): Promise<void> {
    try {
      const response = await fetch(this.url, { signal: AbortSignal.timeout(this.intervalMs) });
      if (!response.ok) throw new Error(`HTTP ${response.status} from ${this.url}`);
      const totals = parseCounterTotals(await response.text());
      if (totals === null) throw new Error(`${this.url} has no ${BYTES_IN} or ${BYTES_OUT}`);
      this.samples.push({ timeMs: Date.now(), ...totals });
      if (this.samples.length > MAX_SAMPLES + 1) this.samples.shift();
      this.lastError = null;
    } catch (err) {
      this.lastError = (err as Error).message;
    }
  }
}
