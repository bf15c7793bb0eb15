// The S3 sink's exactly-once: a distributed worker (a child process, `rivulet connect`)
// writing a topic to S3 (s3rver) is killed with SIGKILL right after one of its uploads, before
// the offsets of the uploaded objects are committed. A second worker takes the task over,
// reads again from the committed offsets and writes the same objects again under the same
// names. The bucket ends with every record exactly once, in objects of flush.size records.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startBroker } from '../../src/index.js';
import { Admin, Producer } from '../../src/client/index.js';
import { waitFor } from '../support/wait.js';
import { startS3 } from './support/s3.js';

const RIVULET = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  '..',
  'bin',
  'rivulet.js',
);
const BUCKET = 'rivulet-kill';
const FLUSH = 25;
const PER_PARTITION = 200;

interface WorkerProcess {
  child: ChildProcess;
  url: string;
  stderr(): string;
}

function startWorker(bootstrap: string): Promise<WorkerProcess> {
  const overrides = {
    listeners: 'http://127.0.0.1:0',
    'scheduled.rebalance.max.delay.ms': '2000',
    'session.timeout.ms': '6000',
    'heartbeat.interval.ms': '1000',
    // Far beyond the test: the killed worker has uploaded objects whose offsets it never
    // committed, so its successor must write them again.
    'offset.flush.interval.ms': '600000',
    'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
    'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
    'value.converter.schemas.enable': 'false',
  };
  const child = spawn(
    process.execPath,
    [
      '--no-warnings',
      RIVULET,
      'connect',
      '--bootstrap-server',
      bootstrap,
      '--port',
      '0',
      '--group-id',
      's3-kill-workers',
      ...Object.entries(overrides).flatMap(([k, v]) => ['--override', `${k}=${v}`]),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker did not start:\n${err}`)), 30_000);
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m !== null) {
        clearTimeout(timer);
        resolve({ child, url: m[1]!, stderr: () => err });
      }
    });
    child.once('exit', (code) => reject(new Error(`worker exited ${code}:\n${err}`)));
  });
}

test(
  'S3 sink: no duplicates after the worker is killed between an upload and its offset commit',
  { timeout: 180_000 },
  async (t) => {
    const s3 = await startS3([BUCKET]);
    const broker = await startBroker();
    const workers: WorkerProcess[] = [];
    const producer = new Producer({ bootstrapServers: broker.bootstrap });
    t.after(async () => {
      for (const w of workers) w.child.kill('SIGKILL');
      await producer.close();
      await broker.close();
      await s3.close();
    });
    const admin = new Admin({ bootstrapServers: broker.bootstrap });
    await admin.createTopics([{ name: 'events', numPartitions: 2 }]);
    admin.close();
    await producer.connect();
    const produce = async (from: number, to: number) => {
      for (let n = from; n < to; n++)
        await producer.send({
          topic: 'events',
          partition: n % 2,
          value: JSON.stringify({ n }),
        });
    };
    await produce(0, PER_PARTITION); // half of the records

    workers.push(await startWorker(broker.bootstrap));
    // The group forms first: until then a write gets 409.
    await waitFor(
      'the connector to be created',
      async () => {
        const r = await fetch(`${workers[0]!.url}/connectors`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            name: 's3-kill',
            config: {
              'connector.class': 'io.confluent.connect.s3.S3SinkConnector',
              topics: 'events',
              's3.bucket.name': BUCKET,
              's3.region': 'us-east-1',
              'store.url': s3.url,
              'aws.access.key.id': 'S3RVER',
              'aws.secret.access.key': 'S3RVER',
              'format.class': 'io.confluent.connect.s3.format.json.JsonFormat',
              'flush.size': String(FLUSH),
            },
          }),
        });
        return r.status === 201;
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    );

    // Kill the worker at its third upload: mid-flush, nothing committed.
    await waitFor('three uploads', () => s3.created.length >= 3, { timeoutMs: 60_000 }).catch(
      async (err: Error) => {
        const status = await (await fetch(`${workers[0]!.url}/connectors/s3-kill/status`)).text();
        throw new Error(`${err.message}; status ${status}\n${workers[0]!.stderr()}`);
      },
    );
    workers[0]!.child.kill('SIGKILL');
    const uploadedBeforeKill = new Set(s3.created);
    await produce(PER_PARTITION, 2 * PER_PARTITION);

    workers.push(await startWorker(broker.bootstrap));
    const objects = (2 * PER_PARTITION) / FLUSH;
    await waitFor(
      `${objects} objects`,
      async () => (await s3.list(BUCKET, 'topics/events/')).length >= objects,
      { timeoutMs: 120_000, intervalMs: 500 },
    );
    const keys = await s3.list(BUCKET, 'topics/events/');
    assert.deepEqual(
      keys,
      [0, 1].flatMap((p) =>
        Array.from(
          { length: PER_PARTITION / FLUSH },
          (_v, i) =>
            `topics/events/partition=${p}/events+${p}+${String(i * FLUSH).padStart(10, '0')}.json`,
        ),
      ),
      workers[1]!.stderr(),
    );
    // The objects the first worker had uploaded were written again, under the same names.
    for (const k of uploadedBeforeKill)
      assert.ok(s3.created.filter((c) => c === k).length >= 2, `${k} was not written again`);
    const seen: number[] = [];
    for (const k of keys) {
      const lines = (await s3.get(BUCKET, k)).toString().trimEnd().split('\n');
      assert.equal(lines.length, FLUSH, k);
      seen.push(...lines.map((l) => (JSON.parse(l) as { n: number }).n));
    }
    assert.deepEqual(
      seen,
      [0, 1].flatMap((p) => Array.from({ length: PER_PARTITION }, (_v, i) => 2 * i + p)),
    );
  },
);
