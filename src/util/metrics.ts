// The metrics registry: counters, gauges and histograms with labels, read back as a list of
// samples. The interface follows prom-client's concepts (a metric has a name, help text and
// label names; values are kept per label set; a histogram has cumulative buckets, a sum and a
// count) so that a Prometheus-backed registry can implement it unchanged. This one keeps the
// values in memory.

export type Labels = Readonly<Record<string, string | number>>;

export interface MetricOptions {
  /** Prometheus-style name, e.g. kafka_server_produce_requests_total. */
  name: string;
  help: string;
  /** The label names every observation must give (and no others). */
  labelNames?: readonly string[];
}

export interface HistogramOptions extends MetricOptions {
  /** Upper bounds of the buckets, ascending; +Inf is implied. */
  buckets?: readonly number[];
}

export interface Counter {
  inc(labels?: Labels, value?: number): void;
}

export interface Gauge {
  set(labels: Labels | undefined, value: number): void;
  inc(labels?: Labels, value?: number): void;
  dec(labels?: Labels, value?: number): void;
}

export interface Histogram {
  observe(labels: Labels | undefined, value: number): void;
}

export type MetricType = 'counter' | 'gauge' | 'histogram';

export interface MetricSample {
  /** The metric's name, or for a histogram name_bucket / name_sum / name_count. */
  name: string;
  labels: Readonly<Record<string, string>>;
  value: number;
}

export interface MetricFamily {
  name: string;
  help: string;
  type: MetricType;
  samples: MetricSample[];
}

export interface MetricsRegistry {
  /** Registers a counter; asking again for the same name returns the same counter. */
  counter(options: MetricOptions): Counter;
  gauge(options: MetricOptions): Gauge;
  histogram(options: HistogramOptions): Histogram;
  /** Every metric with its current samples, in registration order. */
  read(): MetricFamily[];
}

/** Prometheus's default buckets (seconds-scale). */
export const DEFAULT_BUCKETS: readonly number[] = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

interface Series {
  labels: Record<string, string>;
  value: number;
  /** Histograms: observations per bucket (not cumulative), then sum. */
  buckets?: number[];
  sum?: number;
}

class MemoryMetric {
  readonly series = new Map<string, Series>();
  private readonly labelNames: readonly string[];

  constructor(
    readonly type: MetricType,
    readonly options: HistogramOptions,
  ) {
    this.labelNames = [...(options.labelNames ?? [])].sort();
  }

  seriesOf(labels: Labels | undefined): Series {
    const given = Object.keys(labels ?? {}).sort();
    if (given.length !== this.labelNames.length || given.some((k, i) => k !== this.labelNames[i])) {
      throw new Error(
        `metric ${this.options.name} takes labels [${this.labelNames.join(', ')}], got [${given.join(', ')}]`,
      );
    }
    const key = this.labelNames.map((k) => String(labels![k])).join('\u0000');
    let s = this.series.get(key);
    if (s === undefined) {
      const text: Record<string, string> = {};
      for (const k of this.labelNames) text[k] = String(labels![k]);
      s = { labels: text, value: 0 };
      if (this.type === 'histogram') {
        s.buckets = new Array<number>(this.bounds().length).fill(0);
        s.sum = 0;
      }
      this.series.set(key, s);
    }
    return s;
  }

  bounds(): readonly number[] {
    return this.options.buckets ?? DEFAULT_BUCKETS;
  }

  samples(): MetricSample[] {
    const out: MetricSample[] = [];
    const name = this.options.name;
    for (const s of this.series.values()) {
      if (this.type !== 'histogram') {
        out.push({ name, labels: s.labels, value: s.value });
        continue;
      }
      let cumulative = 0;
      this.bounds().forEach((le, i) => {
        cumulative += s.buckets![i]!;
        out.push({
          name: `${name}_bucket`,
          labels: { ...s.labels, le: String(le) },
          value: cumulative,
        });
      });
      out.push({ name: `${name}_bucket`, labels: { ...s.labels, le: '+Inf' }, value: s.value });
      out.push({ name: `${name}_sum`, labels: s.labels, value: s.sum! });
      out.push({ name: `${name}_count`, labels: s.labels, value: s.value });
    }
    return out;
  }
}

/** Metrics kept in memory; `read()` gives them back. */
export class MemoryMetricsRegistry implements MetricsRegistry {
  private readonly metrics = new Map<string, MemoryMetric>();

  counter(options: MetricOptions): Counter {
    const m = this.register('counter', options);
    return {
      inc: (labels, value = 1) => {
        if (value < 0) throw new Error(`counter ${options.name} cannot decrease`);
        m.seriesOf(labels).value += value;
      },
    };
  }

  gauge(options: MetricOptions): Gauge {
    const m = this.register('gauge', options);
    return {
      set: (labels, value) => {
        m.seriesOf(labels).value = value;
      },
      inc: (labels, value = 1) => {
        m.seriesOf(labels).value += value;
      },
      dec: (labels, value = 1) => {
        m.seriesOf(labels).value -= value;
      },
    };
  }

  histogram(options: HistogramOptions): Histogram {
    const m = this.register('histogram', options);
    const bounds = m.bounds();
    return {
      observe: (labels, value) => {
        const s = m.seriesOf(labels);
        const i = bounds.findIndex((le) => value <= le);
        if (i >= 0) s.buckets![i] = s.buckets![i]! + 1;
        s.sum! += value;
        s.value++;
      },
    };
  }

  read(): MetricFamily[] {
    return [...this.metrics.values()].map((m) => ({
      name: m.options.name,
      help: m.options.help,
      type: m.type,
      samples: m.samples(),
    }));
  }

  private register(type: MetricType, options: HistogramOptions): MemoryMetric {
    const existing = this.metrics.get(options.name);
    if (existing !== undefined) {
      if (existing.type !== type) {
        throw new Error(`metric ${options.name} is already registered as a ${existing.type}`);
      }
      return existing;
    }
    const m = new MemoryMetric(type, options);
    this.metrics.set(options.name, m);
    return m;
  }
}
