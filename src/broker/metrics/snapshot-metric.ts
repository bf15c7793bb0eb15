// Metric families whose samples are read at scrape time from state the broker keeps anyway
// (plain counters bumped on the hot path, the replica manager, the group coordinator), written
// out in Prometheus's text format (0.0.4) here. prom-client's Counter and Histogram hash their
// label set on every update, too dear for the produce path; and its text formatter spends
// about 1.5 µs per series on label handling, which with 1,000 partitions (some 13,000 series)
// was most of a scrape's time when profiled. prom-client still provides Node's process
// metrics, appended after these (see broker-metrics.ts).

export type SnapshotType = 'counter' | 'gauge' | 'histogram';

export interface SnapshotSample {
  value: number;
  labels?: Readonly<Record<string, string | number>>;
  /** For a histogram's samples: `name_bucket`, `name_sum` or `name_count`. */
  metricName?: string;
}

export interface SnapshotMetric {
  name: string;
  help: string;
  type: SnapshotType;
  /** Every sample of the family now; called once per scrape. */
  collect(): Iterable<SnapshotSample>;
}

/** The families in Prometheus's text exposition format, each with its HELP and TYPE lines. */
export function formatSnapshotMetrics(families: readonly SnapshotMetric[]): string {
  const parts: string[] = [];
  for (const f of families) {
    parts.push(`# HELP ${f.name} ${escapeHelp(f.help)}\n# TYPE ${f.name} ${f.type}\n`);
    let lines = '';
    for (const s of f.collect()) {
      lines += s.metricName ?? f.name;
      const labels = s.labels;
      if (labels !== undefined) {
        let first = true;
        for (const key in labels) {
          lines += `${first ? '{' : ','}${key}="${escapeLabel(String(labels[key]))}"`;
          first = false;
        }
        if (!first) lines += '}';
      }
      lines += ` ${formatValue(s.value)}\n`;
    }
    parts.push(lines);
  }
  return parts.join('');
}

const NEEDS_ESCAPE = /[\\"\n]/;

function escapeLabel(value: string): string {
  if (!NEEDS_ESCAPE.test(value)) return value;
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function escapeHelp(help: string): string {
  return help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
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
