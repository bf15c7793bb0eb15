// Two distributed workers (child processes, `rivulet connect`) share a group. An exactly-once
// FileStream source runs on one of them; that worker is killed with SIGKILL while lines keep
// arriving. The other worker takes the task over once the group notices and the rebalance
// delay has passed, resumes from the offsets committed with the records, and the topic
// (read_committed) holds every line exactly once, in order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startBroker } from '../../src/index.js';
import { Consumer } from '../../src/client/index.js';
import { waitFor } from '../support/wait.js';

const RIVULET = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  '..',
  'bin',
  'rivulet.js',
);

interface WorkerProcess {
  child: ChildProcess;
  url: string;
  stderr(): string;
}

function startWorker(bootstrap: string): Promise<WorkerProcess> {
  const child = spawn(
    process.execPath,
    [
      RIVULET,
      'connect',
      '--bootstrap-server',
      bootstrap,
      '--port',
      '0',
      '--group-id',
      'connect-kill-test',
      '--override',
      'listeners=http://127.0.0.1:0',
      '--override',
      'exactly.once.source.support=enabled',
      '--override',
      'scheduled.rebalance.max.delay.ms=2000',
      '--override',
      'session.timeout.ms=6000',
      '--override',
      'heartbeat.interval.ms=1000',
      '--override',
      'offset.flush.interval.ms=500',
      '--override',
      'value.converter=org.apache.kafka.connect.storage.StringConverter',
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

async function json(url: string, init?: RequestInit): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url, init);
  const text = await res.text();
  return { status: res.status, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
}

test(
  "a killed worker's exactly-once source task moves to the other worker without loss or duplicates",
  { timeout: 180_000 },
  async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'rivulet-connect-dist-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const broker = await startBroker();
    t.after(() => broker.close());
    const workers = [await startWorker(broker.bootstrap), await startWorker(broker.bootstrap)];
    t.after(() => {
      for (const w of workers) w.child.kill('SIGKILL');
    });
    const input = join(dir, 'input.txt');
    writeFileSync(input, '');
    let next = 0;
    const appendLines = (n: number) => {
      let text = '';
      for (let i = 0; i < n; i++) text += `line-${next++}\n`;
      appendFileSync(input, text);
    };
    appendLines(100);

    // Writes go to whichever worker; a follower forwards them to the leader.
    await waitFor(
      'the group to form',
      async () => {
        const r = await json(`${workers[1]!.url}/connectors`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            name: 'eos-source',
            config: {
              'connector.class': 'FileStreamSource',
              file: input,
              topic: 'eos-lines',
              'batch.size': '20',
            },
          }),
        });
        return (
          r.status === 201 || (r.status === 409 && /already exists/.test(JSON.stringify(r.body)))
        );
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    );

    const consumer = new Consumer({
      bootstrapServers: broker.bootstrap,
      isolationLevel: 'read_committed',
    });
    await consumer.connect();
    t.after(() => consumer.close());
    const seen: string[] = [];
    let reading = true;
    const readLoop = (async () => {
      await waitFor('the topic', async () => {
        try {
          consumer.assign([{ topic: 'eos-lines', partition: 0, offset: 'earliest' }]);
          return true;
        } catch {
          return false;
        }
      });
      for await (const b of consumer.batches()) {
        for (const r of b.records) seen.push(r.value!.toString());
        if (!reading) break;
      }
    })();
    await waitFor('the first 100 lines', () => seen.length >= 100, { timeoutMs: 60_000 });

    // Kill the worker that runs the task while more lines arrive.
    const status = (await json(`${workers[0]!.url}/connectors/eos-source/status`)).body as {
      tasks: { worker_id: string }[];
    };
    const ownerId = status.tasks[0]!.worker_id;
    const victim = workers.findIndex((w) =>
      w.url.endsWith(ownerId.slice(ownerId.lastIndexOf(':'))),
    );
    assert.ok(victim >= 0, `no worker matches ${ownerId}`);
    const survivor = workers[1 - victim]!;
    const feeder = setInterval(() => appendLines(5), 20);
    // Kill while lines flow: once some fed lines have reached the topic, and feed on after.
    const fedBefore = seen.length;
    await waitFor('fed lines in the topic', () => seen.length >= fedBefore + 20);
    workers[victim]!.child.kill('SIGKILL');
    const killedAt = next;
    await waitFor('lines appended after the kill', () => next >= killedAt + 50);
    clearInterval(feeder);
    appendLines(50);
    const total = next;

    await waitFor(
      'the survivor to run the task',
      async () => {
        const s = (await json(`${survivor.url}/connectors/eos-source/status`)).body as {
          tasks?: { state: string; worker_id: string }[];
        };
        return (
          s.tasks?.[0]?.state === 'RUNNING' &&
          survivor.url.endsWith(s.tasks[0].worker_id.slice(s.tasks[0].worker_id.lastIndexOf(':')))
        );
      },
      { timeoutMs: 90_000, intervalMs: 500 },
    );
    await waitFor(`all ${total} lines`, () => seen.length >= total, { timeoutMs: 60_000 });
    reading = false;
    appendLines(1);
    await readLoop.catch(() => undefined);
    const expected = Array.from({ length: total }, (_v, i) => `line-${i}`);
    assert.deepEqual(seen.slice(0, total), expected, survivor.stderr());
  },
);
