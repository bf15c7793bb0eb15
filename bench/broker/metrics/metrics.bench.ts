// What the Prometheus metrics cost. (1) Produce throughput of one broker with metrics.listener
// set against one without, in the same run (raw-protocol load, 1 KiB records, 8 partitions,
// acks=1); target: on / off >= 0.97. The runs are interleaved in short rounds, off and on next
// to each other in time (the order flipping every round: off on, on off, ...), and the figure
// is the median of the per-round ratios: a burst of load from elsewhere on the machine hits one
// or two rounds, whose ratios fall to the tails, instead of one side's whole measurement. Beside
// it, the same ratio of megabytes per CPU second of this process, which other processes' load
// barely moves. (2) The time of one GET /metrics
// on a broker holding 1,000 partitions (one topic), each with records and a group's committed
// offset, against a broker with no topic of its own; target: under 50 ms.
import { inWorker } from '../support/load-worker.js';
import { createTopic, fmt } from '../support/servers.js';
import { startBroker, type Broker } from '../../../src/index.js';
import { createOffsetCommitRequest, encodeRecordBatchSync } from '../../../src/protocol/index.js';
import { ProtocolClient } from '../../../test/support/protocol-client.js';
import { BrokerTopicStats, RequestStats } from '../../../src/broker/metrics/index.js';

const TOPIC = 'bench-metrics';
const PARTITIONS = 8;
const ROUND_MS = Number(process.env.METRICS_BENCH_ROUND_MS ?? 500);
const ROUNDS = Number(process.env.METRICS_BENCH_ROUNDS ?? 24);
const SCRAPE_PARTITIONS = 1000;
const SCRAPES = 30;

async function produceRounds(off: Broker, on: Broker): Promise<void> {
  const runs: Record<'off' | 'on', number[]> = { off: [], on: [] };
  // MB per CPU second of this process (the brokers and the load worker): other processes'
  // load takes wall time from a round but hardly changes the CPU each megabyte costs here.
  const perCpu: Record<'off' | 'on', number[]> = { off: [], on: [] };
  for (let round = 0; round < ROUNDS; round++) {
    // Alternate which goes first, so warm-up and page-cache effects fall on both alike.
    const order: ('off' | 'on')[] = round % 2 === 0 ? ['off', 'on'] : ['on', 'off'];
    for (const which of order) {
      const broker = which === 'off' ? off : on;
      const cpu = process.cpuUsage();
      const r = await inWorker('produce', {
        port: broker.port,
        topic: TOPIC,
        durationMs: ROUND_MS,
        compression: 0,
      });
      if (r.errors > 0) throw new Error(`${which}: ${r.errors} partition errors`);
      runs[which].push(r.mbPerSec);
      const used = process.cpuUsage(cpu);
      const cpuSec = (used.user + used.system) / 1e6;
      perCpu[which].push((r.mbPerSec * ROUND_MS) / 1000 / cpuSec);
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const offMb = median(runs.off);
  const onMb = median(runs.on);
  // Each round's two runs are next to each other in time, so the ratio within a round is the
  // figure least disturbed by other load on the machine; its median is the result.
  const ratios = runs.on.map((on, i) => on / runs.off[i]!).sort((a, b) => a - b);
  const ratio = median(ratios);
  const quartile = (q: number) => ratios[Math.floor((ratios.length - 1) * q)]!;
  const list = (xs: number[]) => xs.map((x) => fmt(x)).join(' ');
  console.log(
    `produce, metrics off   ${fmt(offMb).padStart(8)} MB/s  (baseline)  rounds ${list(runs.off)}`,
  );
  console.log(`produce, metrics on    ${fmt(onMb).padStart(8)} MB/s  rounds ${list(runs.on)}`);
  console.log(
    `produce on / off, median of ${ROUNDS} paired rounds of ${ROUND_MS} ms: ${ratio.toFixed(3)}x  (target >= 0.97x); quartiles ${quartile(0.25).toFixed(3)}x .. ${quartile(0.75).toFixed(3)}x`,
  );
  const cpuRatios = perCpu.on.map((on, i) => on / perCpu.off[i]!).sort((a, b) => a - b);
  const cpuQuartile = (q: number) => cpuRatios[Math.floor((cpuRatios.length - 1) * q)]!;
  console.log(
    `produce MB per CPU second on / off (off ${fmt(median(perCpu.off))} MB/cpu-s): ${median(cpuRatios).toFixed(3)}x; quartiles ${cpuQuartile(0.25).toFixed(3)}x .. ${cpuQuartile(0.75).toFixed(3)}x`,
  );
}

/** One record in every partition of `topic` and a committed offset for each. */
async function fill(broker: Broker, topic: string, partitions: number): Promise<void> {
  const c = await ProtocolClient.connect(broker.port);
  try {
    const records = encodeRecordBatchSync([{ key: null, value: Buffer.from('v'.repeat(100)) }]);
    const res = await c.request(0, 9, {
      transactionalId: null,
      acks: 1,
      timeoutMs: 10_000,
      topicData: [
        {
          name: topic,
          partitionData: Array.from({ length: partitions }, (_, index) => ({ index, records })),
        },
      ],
    });
    const failed = res.responses[0].partitionResponses.filter(
      (p: { errorCode: number }) => p.errorCode !== 0,
    ).length;
    if (failed > 0) throw new Error(`${failed} partitions refused the produce`);
    const commit = await c.request(
      8,
      8,
      createOffsetCommitRequest({
        groupId: 'bench-group',
        memberId: '',
        generationIdOrMemberEpoch: -1,
        topics: [
          {
            name: topic,
            topicId: '00000000-0000-0000-0000-000000000000',
            partitions: Array.from({ length: partitions }, (_, partitionIndex) => ({
              partitionIndex,
              committedOffset: 0n,
              committedLeaderEpoch: -1,
              committedMetadata: '',
            })),
          },
        ],
      }),
    );
    const refused = commit.topics[0].partitions.filter(
      (p: { errorCode: number }) => p.errorCode !== 0,
    ).length;
    if (refused > 0) throw new Error(`${refused} offsets refused`);
  } finally {
    c.close();
  }
}

async function scrapeTimes(
  url: string,
): Promise<{ p50: number; p99: number; bytes: number; series: number }> {
  const times: number[] = [];
  let text = '';
  for (let i = 0; i < SCRAPES; i++) {
    const started = performance.now();
    const res = await fetch(url);
    text = await res.text();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return {
    p50: times[Math.floor(times.length / 2)]!,
    p99: times[Math.min(times.length - 1, Math.floor(times.length * 0.99))]!,
    bytes: text.length,
    series: text.split('\n').filter((l) => l !== '' && !l.startsWith('#')).length,
  };
}

async function scrapeBench(): Promise<void> {
  const metrics = { 'metrics.listener': 'http://127.0.0.1:0' };
  const empty = await startBroker({ port: 0, config: metrics });
  const full = await startBroker({ port: 0, config: metrics });
  try {
    const problem = await createTopic(full.port, 'scrape-1000', SCRAPE_PARTITIONS);
    if (problem !== null) throw new Error(problem);
    await fill(full, 'scrape-1000', SCRAPE_PARTITIONS);
    const base = await scrapeTimes(empty.metrics!.url);
    const big = await scrapeTimes(full.metrics!.url);
    const show = (name: string, r: typeof base, ratio: string) =>
      `${name.padEnd(30)} p50 ${fmt(r.p50, 2).padStart(7)} ms  p99 ${fmt(r.p99, 2).padStart(7)} ms  ${String(r.series).padStart(6)} series  ${fmt(r.bytes / 1024)} KiB  ${ratio}`;
    console.log(show('GET /metrics, no topics', base, '(baseline)'));
    console.log(
      show(
        `GET /metrics, ${SCRAPE_PARTITIONS} partitions`,
        big,
        `${(big.p50 / base.p50).toFixed(2)}x  (target p50 < 50 ms)`,
      ),
    );
  } finally {
    await empty.close();
    await full.close();
  }
}

/**
 * What the metrics add to one produce request of 8 partitions, measured alone: the topic
 * counters of each partition and the request's record (error codes, seven histograms), in
 * nanoseconds, against an empty loop of the same shape as the baseline (the fastest of many
 * short runs of each).
 */
function hotPathCost(): void {
  const topics = new BrokerTopicStats();
  const requests = new RequestStats();
  const codes = new Array<number>(PARTITIONS).fill(0);
  const timings = {
    queueMs: 0.01,
    authenticateMs: 0,
    authorizeMs: 0,
    quotaMs: 0,
    handlerMs: 0.3,
    remoteMs: 0,
    responseQueueMs: 0.02,
    sendMs: 0.01,
    totalMs: 0.4,
  };
  // Many short runs by turns, the fastest of each kind kept: on a loaded machine the
  // fastest run is the one least interrupted.
  const n = 100_000;
  const turns = 30;
  let sink = 0;
  const run = (work: boolean) => {
    const started = process.hrtime.bigint();
    for (let i = 0; i < n; i++) {
      if (work) {
        for (let p = 0; p < PARTITIONS; p++) topics.produced(TOPIC, 8 * 1024, 8);
        requests.record(0, 9, codes, timings);
      } else sink += i & 1;
    }
    return Number(process.hrtime.bigint() - started) / n;
  };
  run(true);
  let base = Infinity;
  let cost = Infinity;
  for (let t = 0; t < turns; t++) {
    base = Math.min(base, run(false));
    cost = Math.min(cost, run(true));
  }
  console.log(
    `hot path per produce request of ${PARTITIONS} partitions: ${fmt(cost - base, 0)} ns (empty loop ${fmt(base, 1)} ns)${sink < 0 ? '' : ''}`,
  );
}

async function main(): Promise<void> {
  hotPathCost();
  const config = { 'num.partitions': PARTITIONS };
  const off = await startBroker({ port: 0, config });
  const on = await startBroker({
    port: 0,
    config: { ...config, 'metrics.listener': 'http://127.0.0.1:0' },
  });
  try {
    for (const b of [off, on]) {
      const problem = await createTopic(b.port, TOPIC, PARTITIONS);
      if (problem !== null) throw new Error(problem);
    }
    if (process.env.METRICS_BENCH_SKIP_PRODUCE !== '1') await produceRounds(off, on);
  } finally {
    await off.close();
    await on.close();
  }
  await scrapeBench();
}

await main();
