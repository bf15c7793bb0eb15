// Latency and throughput bookkeeping for the perf-test tools, printed in the format of
// Kafka's ProducerPerformance: a progress line per reporting window and a summary with
// percentiles. Latencies are kept in a sample of bounded size so a long run stays cheap.

const SAMPLE_LIMIT = 500_000;

export class PerfStats {
  private readonly startMs: number;
  private readonly samples: number[] = [];
  private sampleEvery: number;
  private count = 0;
  private bytes = 0;
  private latencyTotalMs = 0;
  private latencyMaxMs = 0;
  private window = { startMs: 0, count: 0, bytes: 0, latencyTotalMs: 0, latencyMaxMs: 0 };

  constructor(
    expectedRecords: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.startMs = now();
    this.window.startMs = this.startMs;
    this.sampleEvery = Math.max(1, Math.ceil(expectedRecords / SAMPLE_LIMIT));
  }

  record(latencyMs: number, bytes: number): void {
    this.count++;
    this.bytes += bytes;
    this.latencyTotalMs += latencyMs;
    this.latencyMaxMs = Math.max(this.latencyMaxMs, latencyMs);
    this.window.count++;
    this.window.bytes += bytes;
    this.window.latencyTotalMs += latencyMs;
    this.window.latencyMaxMs = Math.max(this.window.latencyMaxMs, latencyMs);
    if (this.count % this.sampleEvery === 0) this.samples.push(latencyMs);
  }

  get records(): number {
    return this.count;
  }

  /** The progress line for the window since the last call, which starts a new window. */
  progressLine(): string {
    const w = this.window;
    const line = describe(
      w.count,
      w.bytes,
      this.now() - w.startMs,
      w.latencyTotalMs / Math.max(1, w.count),
      w.latencyMaxMs,
    );
    this.window = { startMs: this.now(), count: 0, bytes: 0, latencyTotalMs: 0, latencyMaxMs: 0 };
    return `${line}.`;
  }

  summaryLine(): string {
    const sorted = [...this.samples].sort((a, b) => a - b);
    const pct = (p: number) =>
      sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
    const avg = this.latencyTotalMs / Math.max(1, this.count);
    const base = describe(
      this.count,
      this.bytes,
      this.now() - this.startMs,
      avg,
      this.latencyMaxMs,
    );
    return `${base}, ${Math.round(pct(0.5))} ms 50th, ${Math.round(pct(0.95))} ms 95th, ${Math.round(pct(0.99))} ms 99th, ${Math.round(pct(0.999))} ms 99.9th.`;
  }

  /** Records per second and MB per second over the whole run. */
  rates(): { recordsPerSec: number; mbPerSec: number; elapsedMs: number } {
    const elapsedMs = this.now() - this.startMs;
    const s = Math.max(elapsedMs, 1) / 1000;
    return { recordsPerSec: this.count / s, mbPerSec: this.bytes / 1024 / 1024 / s, elapsedMs };
  }
}

function describe(
  count: number,
  bytes: number,
  elapsedMs: number,
  avgMs: number,
  maxMs: number,
): string {
  const s = Math.max(elapsedMs, 1) / 1000;
  const rps = (count / s).toFixed(1);
  const mbps = (bytes / 1024 / 1024 / s).toFixed(2);
  return `${count} records sent, ${rps} records/sec (${mbps} MB/sec), ${avgMs.toFixed(1)} ms avg latency, ${maxMs.toFixed(1)} ms max latency`;
}
