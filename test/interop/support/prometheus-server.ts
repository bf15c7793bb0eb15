// A real Prometheus (Debian's `prometheus` package) for the metrics tests: started on a free
// port in a temporary directory, scraping the given targets every second, stopped by the test.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '../../support/wait.js';

export interface PrometheusServer {
  url: string;
  /** An instant PromQL query; rejects when Prometheus refuses it (a parse error, ...). */
  query(expr: string): Promise<{ metric: Record<string, string>; value: number }[]>;
  stop(): Promise<void>;
}

/** A port free now, for a program that cannot be told to take port 0. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

export async function startPrometheus(targets: readonly string[]): Promise<PrometheusServer> {
  const dir = await mkdtemp(join(tmpdir(), 'rivulet-prometheus-'));
  const config = [
    'global:',
    '  scrape_interval: 1s',
    '  evaluation_interval: 1s',
    'scrape_configs:',
    '  - job_name: rivulet',
    '    static_configs:',
    `      - targets: [${targets.map((t) => `'${t}'`).join(', ')}]`,
    '',
  ].join('\n');
  await writeFile(join(dir, 'prometheus.yml'), config);
  const port = await freePort();
  let output = '';
  const child: ChildProcess = spawn(
    'prometheus',
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    child.kill('SIGTERM');
    await exited;
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(
      'Prometheus to be ready',
      async () => {
        if (child.exitCode !== null) throw new Error(`prometheus exited:\n${output}`);
        return (await fetch(`${url}/-/ready`).catch(() => null))?.status === 200;
      },
      { intervalMs: 100 },
    );
    // Targets reach the scrape loop a few seconds after start (service discovery sends its
    // updates every 5 s): wait until every target has been scraped once.
    await waitFor(
      'Prometheus to scrape every target',
      async () => {
        const res = await fetch(`${url}/api/v1/targets`);
        const body = (await res.json()) as {
          data: { activeTargets: { health: string }[] };
        };
        const active = body.data.activeTargets;
        return active.length === targets.length && active.every((t) => t.health === 'up');
      },
      { intervalMs: 200 },
    );
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    url,
    stop,
    query: async (expr) => {
      const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(expr)}`);
      const body = (await res.json()) as {
        status: string;
        error?: string;
        data?: {
          resultType: string;
          result: { metric: Record<string, string>; value: [number, string] }[];
        };
      };
      if (body.status !== 'success') throw new Error(`${expr}: ${body.error}`);
      const data = body.data!;
      if (data.resultType !== 'vector') return [];
      return data.result.map((r) => ({ metric: r.metric, value: Number(r.value[1]) }));
    },
  };
}
