// Two instances of one exactly_once_v2 application; one is killed with SIGKILL mid-stream. The
// survivor takes over its tasks, restores their counts from the changelog, and the output
// read with read_committed holds every count exactly once: for each key 1, 2, ..., n.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { startBroker } from '../../src/index.js';
import { Producer } from '../../src/client/index.js';
import { waitFor } from '../support/wait.js';
import { createTopics, readTopic } from './support/streams-harness.js';

const APP = fileURLToPath(new URL('./support/count-app-process.js', import.meta.url));
const KEYS = 16; // enough keys that every partition, so each instance, has work
const PER_KEY = 160; // a multiple of 4: the rounds are sent in quarters

interface Instance {
  child: ChildProcess;
  tasks: string[];
  states: string[];
}

function launch(bootstrap: string): Instance {
  const child = spawn(process.execPath, [APP, bootstrap, 'eos-count'], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const inst: Instance = { child, tasks: [], states: [] };
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const m = JSON.parse(line) as { tasks?: string[]; state?: string };
    if (m.tasks !== undefined) inst.tasks = m.tasks;
    if (m.state !== undefined) inst.states.push(m.state);
  });
  return inst;
}

test(
  'exactly_once_v2: kill -9 one of two instances, each count appears once',
  { timeout: 180_000 },
  async (t) => {
    const broker = await startBroker();
    t.after(() => broker.close());
    await createTopics(broker.bootstrap, { events: 4, counts: 1 });
    const a = launch(broker.bootstrap);
    const b = launch(broker.bootstrap);
    t.after(() => {
      a.child.kill('SIGKILL');
      b.child.kill('SIGKILL');
    });
    await waitFor('both instances to run tasks', () => a.tasks.length > 0 && b.tasks.length > 0, {
      timeoutMs: 60_000,
    });

    const producer = new Producer({ bootstrapServers: broker.bootstrap });
    await producer.connect();
    t.after(() => producer.close());
    const sendRound = (round: number) =>
      Promise.all(
        Array.from({ length: KEYS }, (_, k) =>
          producer.send({ topic: 'events', key: `k${k}`, value: `${round}` }),
        ),
      );
    for (let round = 0; round < PER_KEY / 2; round++) await sendRound(round);
    // Kill the first instance while it has work in flight.
    await waitFor(
      'output to flow',
      async () =>
        (await readTopic(broker.bootstrap, 'counts', 1, { readCommitted: true })).length === 1,
    );
    for (let round = PER_KEY / 2; round < (PER_KEY * 3) / 4; round++) await sendRound(round);
    a.child.kill('SIGKILL');
    for (let round = (PER_KEY * 3) / 4; round < PER_KEY; round++) await sendRound(round);
    await waitFor('the survivor to take all four tasks', () => b.tasks.length === 4, {
      timeoutMs: 60_000,
    });

    const out = await readTopic(broker.bootstrap, 'counts', KEYS * PER_KEY, {
      readCommitted: true,
    });
    const perKey = new Map<string, number[]>();
    for (const r of out) {
      const [k, n] = r.value!.toString().split(':');
      perKey.set(k!, [...(perKey.get(k!) ?? []), Number(n)]);
    }
    for (let k = 0; k < KEYS; k++) {
      assert.deepEqual(
        perKey.get(`k${k}`),
        Array.from({ length: PER_KEY }, (_, i) => i + 1),
        `counts of k${k}`,
      );
    }
    // Nothing more than the exact results arrives.
    await producer.send({ topic: 'events', key: 'end', value: 'x' });
    const withEnd = await readTopic(broker.bootstrap, 'counts', KEYS * PER_KEY + 1, {
      readCommitted: true,
    });
    assert.equal(withEnd.at(-1)!.value!.toString(), 'end:1');
    b.child.stdin!.end();
    await new Promise((r) => b.child.once('exit', r));
  },
);
