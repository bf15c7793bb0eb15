import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SerialQueue } from '../../src/util/serial-queue.js';

/** A promise with its resolve and reject at hand. */
function deferred<T = void>(): {
  promise: Promise<T>;
  resolve: (v: T) => void;
  reject: (e: unknown) => void;
} {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

test('operations run one at a time, in the order they were queued', async () => {
  const queue = new SerialQueue();
  const events: string[] = [];
  const gates = [deferred(), deferred(), deferred()];
  const runs = gates.map((gate, i) =>
    queue.run(async () => {
      events.push(`start ${i}`);
      await gate.promise;
      events.push(`end ${i}`);
      return i;
    }),
  );
  assert.deepEqual(events, ['start 0'], 'the first starts at once, the others wait');
  assert.equal(queue.size, 3);
  // Released out of order, they still finish in order.
  gates[2]!.resolve();
  gates[1]!.resolve();
  gates[0]!.resolve();
  assert.deepEqual(await Promise.all(runs), [0, 1, 2]);
  assert.deepEqual(events, ['start 0', 'end 0', 'start 1', 'end 1', 'start 2', 'end 2']);
  assert.equal(queue.size, 0);
});

test('a failure reaches only its caller and does not stop later operations', async () => {
  const queue = new SerialQueue();
  const boom = new Error('boom');
  const first = queue.run(() => Promise.resolve('a'));
  const failing = queue.run(() => Promise.reject(boom));
  const throwing = queue.run(() => {
    throw boom;
  });
  const after = queue.run(async () => 'b');
  assert.equal(await first, 'a');
  await assert.rejects(failing, (err) => err === boom);
  await assert.rejects(throwing, (err) => err === boom);
  assert.equal(await after, 'b');
  await queue.idle();
  assert.equal(queue.size, 0);
});

test('with nothing queued an operation starts at once; a synchronous one holds nothing', async () => {
  const queue = new SerialQueue();
  let started = false;
  const p = queue.run(async () => {
    started = true;
  });
  assert.equal(started, true, 'started before run returned');
  await p;
  const sync = queue.run(() => 42);
  assert.equal(queue.size, 0, 'a synchronous result leaves the queue empty');
  assert.equal(await sync, 42);
  await assert.rejects(
    queue.run(() => {
      throw new Error('sync failure');
    }),
    /sync failure/,
  );
  assert.equal(queue.size, 0);
});

test('the promise of an idle-started operation is its own, costing no extra turns', async () => {
  const queue = new SerialQueue();
  const own = Promise.resolve(7);
  assert.equal(
    queue.run(() => own),
    own,
  );
});

test('idle settles after everything queued so far, never rejects, and sees a close', async () => {
  const queue = new SerialQueue();
  const gate = deferred();
  const events: string[] = [];
  void queue.run(() => gate.promise).catch(() => undefined);
  void queue
    .run(async () => {
      events.push('second');
      throw new Error('second fails');
    })
    .catch(() => undefined);
  let closed = false;
  const closing = (async () => {
    await queue.idle();
    closed = true;
    events.push('idle');
  })();
  // Queued after idle() was called: it runs once the closer has marked itself closed.
  const late = queue.run(async () => {
    events.push(`late sees closed=${closed}`);
  });
  gate.reject(new Error('first fails'));
  await closing;
  await late;
  assert.deepEqual(events, ['second', 'idle', 'late sees closed=true']);
  await queue.idle();
  assert.equal(queue.size, 0);
});
