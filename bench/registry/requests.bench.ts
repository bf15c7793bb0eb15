// Registry request throughput and p99 latency with 10,000 subjects: registration (each one a
// write to `_schemas` read back before the answer), lookup of a schema in its subject, and
// GET of the latest version, with 16 requests outstanding. Ratios are against GET /, the
// HTTP layer's floor, measured in the same run. RIVULET_BENCH_SUBJECTS sets the count.
import { startBroker } from '../../src/index.js';
import { startSchemaRegistry } from '../../src/registry/index.js';

const SUBJECTS = Number(process.env.RIVULET_BENCH_SUBJECTS ?? 10_000);
const CONCURRENCY = 16;
const MEDIA_TYPE = 'application/vnd.schemaregistry.v1+json';

const schemaFor = (i: number) =>
  JSON.stringify({
    schema: JSON.stringify({
      type: 'record',
      name: `Event${i}`,
      fields: [
        { name: 'id', type: 'string' },
        { name: `f${i}`, type: 'int', default: 0 },
      ],
    }),
  });

async function measure(label: string, request: (i: number) => Promise<Response>): Promise<number> {
  const latencies: number[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < SUBJECTS) {
        const i = next++;
        const start = performance.now();
        const r = await request(i);
        await r.arrayBuffer();
        if (!r.ok) throw new Error(`${label} ${i}: HTTP ${r.status}`);
        latencies.push(performance.now() - start);
      }
    }),
  );
  const perSecond = SUBJECTS / ((performance.now() - t0) / 1000);
  latencies.sort((a, b) => a - b);
  const p99 = latencies[Math.floor(latencies.length * 0.99)]!;
  console.log(
    `${label.padEnd(28)} ${Math.round(perSecond).toLocaleString('en-US').padStart(9)} requests/s   p99 ${p99.toFixed(2)} ms`,
  );
  return perSecond;
}

const broker = await startBroker({ config: { 'group.initial.rebalance.delay.ms': 0 } });
const server = await startSchemaRegistry({ bootstrapServers: broker.bootstrap, port: 0 });
try {
  const post = (path: string, body: string) =>
    fetch(server.url + path, { method: 'POST', headers: { 'content-type': MEDIA_TYPE }, body });
  console.log(`${SUBJECTS.toLocaleString('en-US')} subjects, ${CONCURRENCY} requests outstanding`);
  // Warm the connections and the JIT first, or the baseline pays for both.
  await measure('GET / (warm-up)', () => fetch(`${server.url}/`));
  const floor = await measure('GET / (baseline)', () => fetch(`${server.url}/`));
  const register = await measure('register', (i) =>
    post(`/subjects/s${i}-value/versions`, schemaFor(i)),
  );
  const lookup = await measure('lookup (POST /subjects/s)', (i) =>
    post(`/subjects/s${i}-value`, schemaFor(i)),
  );
  const latest = await measure('GET versions/latest', (i) =>
    fetch(`${server.url}/subjects/s${i}-value/versions/latest`),
  );
  console.log(
    `ratios to the baseline: register ${(register / floor).toFixed(3)}, lookup ${(lookup / floor).toFixed(3)}, latest ${(latest / floor).toFixed(3)}`,
  );
} finally {
  await server.close();
  await broker.close();
}
