// Connect throughput, each figure against a baseline measured in the same run:
// - FileStream source → topic → FileStream sink through a standalone worker, against the
//   same lines produced and consumed with the plain client (records/s end to end);
// - the JDBC sink writing a topic into PostgreSQL, against a plain batched insert of the same
//   rows with `pg` (multi-row INSERTs of batch.size rows, one transaction each). The issue's
//   target is >= 0.7x. Skipped with a message when PostgreSQL's binaries are absent.
// RIVULET_BENCH_RECORDS sets the count (default 50,000).
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startBroker, type Broker } from '../../src/index.js';
import { Admin, Consumer, Producer } from '../../src/client/index.js';
import { startConnectWorker } from '../../src/connect/index.js';
import { startPostgres } from '../../test/connect/support/postgres.js';

const RECORDS = Number(process.env.RIVULET_BENCH_RECORDS ?? 50_000);
const BATCH = 3000;

function lineCount(path: string): number {
  if (!existsSync(path)) return 0;
  const b = readFileSync(path);
  let n = 0;
  for (let i = 0; i < b.length; i++) if (b[i] === 10) n++;
  return n;
}

async function until(what: string, check: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 180_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function clientPipeline(broker: Broker, lines: string[]): Promise<number> {
  const t0 = performance.now();
  const producer = new Producer({ bootstrapServers: broker.bootstrap });
  await producer.connect();
  await Promise.all(
    lines.map((l) => producer.send({ topic: 'bench-client', partition: 0, value: l })),
  );
  const consumer = new Consumer({ bootstrapServers: broker.bootstrap });
  await consumer.connect();
  consumer.assign([{ topic: 'bench-client', partition: 0, offset: 'earliest' }]);
  let n = 0;
  for await (const b of consumer.batches()) {
    n += b.records.length;
    if (n >= lines.length) break;
  }
  const s = (performance.now() - t0) / 1000;
  consumer.close();
  await producer.close();
  return lines.length / s;
}

async function connectPipeline(broker: Broker, dir: string, lines: string[]): Promise<number> {
  const input = join(dir, 'in.txt');
  const output = join(dir, 'out.txt');
  writeFileSync(input, lines.join('\n') + '\n');
  const worker = await startConnectWorker({
    mode: 'standalone',
    config: {
      'bootstrap.servers': broker.bootstrap,
      listeners: 'http://127.0.0.1:0',
      'offset.storage.file.filename': join(dir, 'offsets.json'),
      'offset.flush.interval.ms': '1000',
      'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
      'value.converter': 'org.apache.kafka.connect.storage.StringConverter',
    },
  });
  try {
    const create = async (name: string, config: Record<string, string>) => {
      const r = await fetch(`${worker.url}/connectors`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name, config }),
      });
      if (r.status !== 201) throw new Error(`${name}: ${r.status} ${await r.text()}`);
    };
    // The sink first, and its group settled, so the figure is the pipeline's, not start-up.
    await create('bench-sink', {
      'connector.class': 'FileStreamSink',
      topics: 'bench-file',
      file: output,
    });
    const admin = new Admin({ bootstrapServers: broker.bootstrap });
    await until('the sink group', async () => {
      const [g] = await admin.describeGroups(['connect-bench-sink']);
      return g?.state === 'Stable' && g.members.length === 1;
    });
    admin.close();
    const t0 = performance.now();
    await create('bench-source', {
      'connector.class': 'FileStreamSource',
      topic: 'bench-file',
      file: input,
      'batch.size': '2000',
    });
    await until('the sink file', () => lineCount(output) >= lines.length);
    return lines.length / ((performance.now() - t0) / 1000);
  } finally {
    await worker.close();
  }
}

function envelope(i: number): string {
  return JSON.stringify({
    schema: {
      type: 'struct',
      name: 'bench_rows',
      optional: false,
      fields: [
        { field: 'id', type: 'int32', optional: false },
        { field: 'name', type: 'string', optional: false },
        { field: 'amount', type: 'double', optional: false },
      ],
    },
    payload: { id: i, name: `row-${i}`, amount: i * 1.5 },
  });
}

async function jdbcSink(broker: Broker, dir: string, url: string, db: pg.Client): Promise<number> {
  await db.query(
    'CREATE TABLE bench_rows (id INT NOT NULL, name TEXT NOT NULL, amount DOUBLE PRECISION NOT NULL)',
  );
  const producer = new Producer({ bootstrapServers: broker.bootstrap });
  await producer.connect();
  const sends: Promise<unknown>[] = [];
  for (let i = 0; i < RECORDS; i++)
    sends.push(producer.send({ topic: 'bench_rows', partition: 0, value: envelope(i) }));
  await Promise.all(sends);
  await producer.close();
  const worker = await startConnectWorker({
    mode: 'standalone',
    config: {
      'bootstrap.servers': broker.bootstrap,
      listeners: 'http://127.0.0.1:0',
      'offset.storage.file.filename': join(dir, 'jdbc-offsets.json'),
      'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
      'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
    },
  });
  try {
    const t0 = performance.now();
    const r = await fetch(`${worker.url}/connectors`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'bench-jdbc',
        config: {
          'connector.class': 'io.confluent.connect.jdbc.JdbcSinkConnector',
          topics: 'bench_rows',
          'connection.url': url,
          'connection.user': 'postgres',
          'batch.size': String(BATCH),
        },
      }),
    });
    if (r.status !== 201) throw new Error(`jdbc sink: ${r.status} ${await r.text()}`);
    const count = async () =>
      Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM bench_rows')).rows[0]!.n);
    let first = 0;
    let t1 = t0;
    // Timed from the first rows in, as above.
    await until('the first rows', async () => {
      first = await count();
      t1 = performance.now();
      return first > 0;
    });
    await until('the rows', async () => {
      const st = (await (await fetch(`${worker.url}/connectors/bench-jdbc/status`)).json()) as {
        tasks: { state: string; trace?: string }[];
      };
      if (st.tasks[0]?.state === 'FAILED')
        throw new Error(`the JDBC sink failed: ${st.tasks[0].trace}`);
      const { rows } = await db.query<{ n: string }>('SELECT count(*) AS n FROM bench_rows');
      return Number(rows[0]!.n) >= RECORDS;
    });
    return (RECORDS - first) / ((performance.now() - t1) / 1000);
  } finally {
    await worker.close();
  }
}

async function plainInsert(db: pg.Client): Promise<number> {
  await db.query(
    'CREATE TABLE plain_rows (id INT NOT NULL, name TEXT NOT NULL, amount DOUBLE PRECISION NOT NULL)',
  );
  const t0 = performance.now();
  for (let at = 0; at < RECORDS; at += BATCH) {
    const n = Math.min(BATCH, RECORDS - at);
    const params: unknown[] = [];
    const values: string[] = [];
    for (let i = 0; i < n; i++) {
      const id = at + i;
      params.push(id, `row-${id}`, id * 1.5);
      values.push(`($${3 * i + 1}, $${3 * i + 2}, $${3 * i + 3})`);
    }
    await db.query('BEGIN');
    await db.query(`INSERT INTO plain_rows (id, name, amount) VALUES ${values.join(', ')}`, params);
    await db.query('COMMIT');
  }
  return RECORDS / ((performance.now() - t0) / 1000);
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US').padStart(10);

const dir = mkdtempSync(join(tmpdir(), 'rivulet-bench-connect-'));
const broker = await startBroker();
try {
  const admin = new Admin({ bootstrapServers: broker.bootstrap });
  await admin.createTopics([
    { name: 'bench-client', numPartitions: 1 },
    { name: 'bench-file', numPartitions: 1 },
    { name: 'bench_rows', numPartitions: 1 },
  ]);
  admin.close();
  const lines = Array.from({ length: RECORDS }, (_v, i) => `line ${i} ${'x'.repeat(80)}`);
  const client = await clientPipeline(broker, lines);
  const connect = await connectPipeline(broker, dir, lines);
  console.log(`FileStream source → topic → sink, ${RECORDS} lines:`);
  console.log(`  plain producer + consumer  ${fmt(client)} records/s`);
  console.log(
    `  Connect (standalone)       ${fmt(connect)} records/s  ${(connect / client).toFixed(2)}x`,
  );

  let postgres: Awaited<ReturnType<typeof startPostgres>> | undefined;
  try {
    console.log('starting PostgreSQL');
    postgres = await startPostgres();
  } catch (err) {
    console.log(`JDBC sink: skipped (${(err as Error).message})`);
  }
  if (postgres !== undefined) {
    const db = new pg.Client({
      host: '127.0.0.1',
      port: postgres.port,
      user: 'postgres',
      database: 'postgres',
    });
    await db.connect();
    try {
      const plain = await plainInsert(db);
      const sink = await jdbcSink(broker, dir, postgres.url, db);
      console.log(`JDBC sink into PostgreSQL, ${RECORDS} rows, batch.size ${BATCH}:`);
      console.log(`  pg multi-row INSERT        ${fmt(plain)} rows/s`);
      console.log(
        `  JdbcSinkConnector          ${fmt(sink)} rows/s  ${(sink / plain).toFixed(2)}x (target >= 0.7x)`,
      );
    } finally {
      await db.end();
      await postgres.stop();
    }
  }
} finally {
  await broker.close();
  rmSync(dir, { recursive: true, force: true });
}
