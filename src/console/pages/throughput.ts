// The live throughput page: bytes in and out per second as a small inline SVG chart, with the
// same figures as text (a table) for screen readers and for browsers without scripts. A short
// script (assets.ts) refreshes the chart fragment from /throughput/chart.
import { field, type ConsoleContext } from '../console-context.js';
import type { ConsoleRoute } from '../console-context.js';
import { html, raw, type SafeHtml } from '../html.js';
import { page } from '../layout.js';
import type { RatePoint } from '../throughput-source.js';
import { formatBytes } from './topics.js';

export function throughputRoutes(ctx: ConsoleContext): ConsoleRoute[] {
  return [
    {
      method: 'GET',
      url: '/throughput',
      handler: ({ query: q }) => ({
        html: page({
          title: 'Throughput',
          section: 'throughput',
          bootstrap: ctx.bootstrap,
          notice: field(q, 'notice') || undefined,
          scripts: ctx.throughput === null ? [] : ['/assets/throughput.js'],
          body: throughputBody(ctx),
        }),
      }),
    },
    {
      method: 'GET',
      url: '/throughput/chart',
      handler: () => ({ html: chartFragment(ctx).value }),
    },
  ];
}

function throughputBody(ctx: ConsoleContext): SafeHtml {
  if (ctx.throughput === null)
    return html`<p id="throughput-status">
      No metrics configured. Start the console with
      <code>--metrics-url http://broker:port/metrics</code> (a Prometheus endpoint with Kafka's
      BrokerTopicMetrics) to see bytes in and out per second.
    </p>`;
  return html`<p>
      From <code>${ctx.throughput.url}</code>, every ${ctx.throughput.refreshMs / 1000} s.
    </p>
    <div id="throughput-chart" data-refresh-ms="${ctx.throughput.refreshMs}" aria-live="polite">
      ${chartFragment(ctx)}
    </div>`;
}

const rate = (bytesPerSec: number) => `${formatBytes(BigInt(Math.round(bytesPerSec)))}/s`;

export function chartFragment(ctx: ConsoleContext): SafeHtml {
  const source = ctx.throughput;
  if (source === null) return html`<p id="throughput-status">No metrics configured.</p>`;
  const points = source.rates();
  const last = points.at(-1);
  const status =
    source.lastError !== null
      ? html`<p id="throughput-status" role="alert">Metrics unavailable: ${source.lastError}</p>`
      : last === undefined
        ? html`<p id="throughput-status">Waiting for two samples of the metrics…</p>`
        : html`<p id="throughput-status">
            Now: <strong>${rate(last.bytesInPerSec)}</strong> in,
            <strong>${rate(last.bytesOutPerSec)}</strong> out.
          </p>`;
  return html`${status}${points.length === 0 ? '' : svgChart(points)}
    <details>
      <summary>Figures as a table</summary>
      <table>
        <caption>
          Bytes per second
        </caption>
        <thead>
          <tr>
            <th scope="col">Time (UTC)</th>
            <th scope="col">In</th>
            <th scope="col">Out</th>
          </tr>
        </thead>
        <tbody>
          ${points
            .slice()
            .reverse()
            .map(
              (p) =>
                html`<tr>
                  <td>${new Date(p.timeMs).toISOString().slice(11, 19)}</td>
                  <td>${rate(p.bytesInPerSec)}</td>
                  <td>${rate(p.bytesOutPerSec)}</td>
                </tr>`,
            )}
        </tbody>
      </table>
    </details>`;
}

const WIDTH = 600;
const HEIGHT = 160;

function svgChart(points: RatePoint[]): SafeHtml {
  const max = Math.max(1, ...points.map((p) => Math.max(p.bytesInPerSec, p.bytesOutPerSec)));
  const t0 = points[0]!.timeMs;
  const span = Math.max(1, points.at(-1)!.timeMs - t0);
  const line = (pick: (p: RatePoint) => number) =>
    points
      .map((p) => {
        const x = points.length === 1 ? WIDTH : ((p.timeMs - t0) / span) * WIDTH;
        const y = HEIGHT - (pick(p) / max) * (HEIGHT - 10);
        return `${x.toFixed(1)},${y.toFixed(1)}`;
      })
      .join(' ');
  const last = points.at(-1)!;
  // Numbers only go into the SVG, so it is built as a string and passed through raw().
  return html`<figure>
${raw(`<svg viewBox="0 0 ${WIDTH} ${HEIGHT}" width="100%" height="${HEIGHT}" role="img" aria-labelledby="chart-title chart-desc">`)}
<title id="chart-title">Bytes in and out per second</title>
<desc id="chart-desc">Latest: ${rate(last.bytesInPerSec)} in, ${rate(last.bytesOutPerSec)} out; peak ${rate(max)}.</desc>
${raw(`<polyline class="bytes-in" fill="none" stroke-width="2" points="${line((p) => p.bytesInPerSec)}"/>`)}
${raw(`<polyline class="bytes-out" fill="none" stroke-width="2" stroke-dasharray="6 3" points="${line((p) => p.bytesOutPerSec)}"/>`)}
</svg>
<figcaption><span class="key-in">solid: bytes in</span>, <span class="key-out">dashed: bytes out</span>; top of the scale ${rate(max)}.</figcaption>
</figure>`;
}
