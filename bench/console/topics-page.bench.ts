// The console's topic list with 1,000 topics: the server time of a page (request sent to last
// byte received over loopback), for the first page, a search, a later page, and the overview.
// Target (issue #17): under 100 ms for the topic page. Baselines from the same run: the
// console's static stylesheet (the HTTP floor) and one Metadata request for all topics from
// the same admin client (the cluster floor every topic page pays). Beside them, the page of one
// topic with 100 partitions (offsets of each, log dir sizes, configs).
// TOPICS=<n> changes the count; ROUNDS=<n> the requests per figure.
import { startBroker } from '../../src/index.js';
import { Admin } from '../../src/client/index.js';
import { startConsole } from '../../src/console/index.js';

const TOPICS = Number(process.env['TOPICS'] ?? 1_000);
const ROUNDS = Number(process.env['ROUNDS'] ?? 40);
const TARGET_MS = 100;

interface Figures {
  medianMs: number;
  p95Ms: number;
}

async function measure(what: () => Promise<unknown>): Promise<Figures> {
  for (let i = 0; i < 3; i++) await what();
  const times: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const t0 = performance.now();
    await what();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return {
    medianMs: times[Math.floor(times.length / 2)]!,
    p95Ms: times[Math.min(times.length - 1, Math.floor(times.length * 0.95))]!,
  };
}

async function page(url: string, mustContain: RegExp): Promise<void> {
  const r = await fetch(url);
  const text = await r.text();
  if (r.status !== 200 || !mustContain.test(text))
    throw new Error(`${url} answered ${r.status} without '${mustContain}'`);
}

async function main(): Promise<void> {
  const broker = await startBroker();
  const admin = new Admin({ bootstrapServers: broker.bootstrap });
  await admin.connect();
  const console_ = await startConsole({ bootstrapServers: broker.bootstrap, port: 0 });
  try {
    const names = Array.from({ length: TOPICS }, (_, i) => `topic-${String(i).padStart(5, '0')}`);
    for (let i = 0; i < names.length; i += 250) {
      const created = await admin.createTopics(
        names.slice(i, i + 250).map((name) => ({ name, numPartitions: 1 })),
      );
      const failed = created.find((c) => c.errorCode !== 0);
      if (failed !== undefined) throw new Error(`create ${failed.name}: ${failed.errorCode}`);
    }
    await admin.createTopics([{ name: 'wide', numPartitions: 100 }]);
    const base = console_.url;
    const css = await measure(() => page(`${base}/assets/console.css`, /skip-link/));
    const metadata = await measure(() => admin.cluster.listTopics());
    const first = await measure(() =>
      page(`${base}/topics`, new RegExp(`${TOPICS + 1}\\s+topics`)),
    );
    const search = await measure(() => page(`${base}/topics?q=topic-0042`, /10\s+topics matching/));
    const later = await measure(() => page(`${base}/topics?page=10`, /page 10 of/));
    const wide = await measure(() => page(`${base}/topics/wide`, /100 partitions/));
    const overview = await measure(() => page(`${base}/`, /Topics<\/dt>/));
    const line = (name: string, f: Figures) =>
      console.log(
        `${name.padEnd(34)} median ${f.medianMs.toFixed(2).padStart(7)} ms  p95 ${f.p95Ms
          .toFixed(2)
          .padStart(7)} ms  ${(f.medianMs / metadata.medianMs).toFixed(2)}x metadata`,
      );
    console.log(`console with ${TOPICS} topics, ${ROUNDS} requests per figure`);
    line('baseline: static stylesheet', css);
    line('baseline: Metadata for all topics', metadata);
    line('topic page (first 50)', first);
    line('topic search (10 matches)', search);
    line('topic page 10', later);
    line('one topic with 100 partitions', wide);
    line('cluster overview', overview);
    const verdict = first.p95Ms < TARGET_MS ? 'meets' : 'MISSES';
    console.log(
      `topic page p95 ${first.p95Ms.toFixed(2)} ms ${verdict} the ${TARGET_MS} ms target`,
    );
  } finally {
    await console_.close();
    admin.close();
    await broker.close();
  }
}

await main();
