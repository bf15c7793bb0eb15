// A metric family whose samples are read at scrape time from state the broker keeps anyway
// (plain counters bumped on the hot path, the replica manager, the group coordinator). It is
// registered in a prom-client Registry, which formats it with every other family (prom-client's
// own process metrics included): prom-client's Counter and Histogram hash their label set on
// every update, too dear for the produce path, while a snapshot costs nothing until a scrape.
import type { Metric, Registry } from 'prom-client';

export type SnapshotType = 'counter' | 'gauge' | 'histogram';

export interface SnapshotSample {
  value: number;
  labels?: Readonly<Record<string, string | number>>;
  /** For a histogram's samples: `name_bucket`, `name_sum` or `name_count`. */
  metricName?: string;
}

export interface SnapshotMetricOptions {
  name: string;
  help: string;
  type: SnapshotType;
  /** Every sample of the family now; called once per scrape. */
  collect(): Iterable<SnapshotSample>;
}

/** Registers a snapshot family in `registry`. */
export function registerSnapshotMetric(registry: Registry, options: SnapshotMetricOptions): void {
  const metric = {
    name: options.name,
    help: options.help,
    type: options.type,
    aggregator: 'sum',
    get: () =>
      Promise.resolve({
        name: options.name,
        help: options.help,
        type: options.type,
        aggregator: 'sum',
        values: [...options.collect()],
      }),
    reset: () => {},
  };
  registry.registerMetric(metric as unknown as Metric);
}

/**
 * Cumulative histogram buckets kept as plain numbers: `observe` is an array walk, read back as
 * Prometheus's `_bucket{le}`, `_sum` and `_count` samples.
 */
export class HistogramCounts {
  /** Observations per bucket, not cumulative; the last slot is +Inf. */
  readonly counts: number[];
  sum = 0;
  count = 0;

  constructor(readonly bounds: readonly number[]) {
    this.counts = new Array<number>(bounds.length + 1).fill(0);
  }

  observe(value: number): void {
    const bounds = this.bounds;
    let i = 0;
    while (i < bounds.length && value > bounds[i]!) i++;
    this.counts[i]!++;
    this.sum += value;
    this.count++;
  }

  /** The samples of `name` with `labels` (besides `le`). */
  *samples(
    name: string,
    labels: Readonly<Record<string, string | number>>,
  ): Generator<SnapshotSample> {
    let cumulative = 0;
    for (let i = 0; i < this.bounds.length; i++) {
      cumulative += this.counts[i]!;
      yield {
        metricName: `${name}_bucket`,
        labels: { ...labels, le: this.bounds[i]! },
        value: cumulative,
      };
    }
    yield { metricName: `${name}_bucket`, labels: { ...labels, le: '+Inf' }, value: this.count };
    yield { metricName: `${name}_sum`, labels, value: this.sum };
    yield { metricName: `${name}_count`, labels, value: this.count };
  }
}
