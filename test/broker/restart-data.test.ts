// Data and idempotent-producer state survive a clean stop (SIGTERM) and a crash (kill -9) of a
// real `rivulet start` process: everything acknowledged with acks=-1 reads back, and a retry
// of the last acknowledged batch after the restart is recognised as a duplicate.
import { after, test as nodeTest } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCode } from '../../src/protocol/index.js';
import { ProtocolClient } from '../support/protocol-client.js';
import { batch, createTopic, fetchBody, produceBody, valuesOf } from './handlers/data-helpers.js';
import { within } from '../support/wait.js';

const test = (name: string, fn: () => Promise<void>) => nodeTest(name, { timeout: 30000 }, fn);
const dirs: string[] = [];
const children = new Set<ChildProcess>();
after(async () => {
  for (const c of children) c.kill('SIGKILL');
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function start(dataDir: string): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(
    process.execPath,
    ['bin/rivulet.js', 'start', '--port', '0', '--data-dir', dataDir],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  children.add(child);
  child.on('exit', () => children.delete(child));
  const listening = new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const m = /listening on [^:\s]+:(\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.on('exit', (code) => reject(new Error(`broker exited ${code} before listening: ${out}`)));
  });
  const port = await within('the broker to print its listening line', listening);
  return { child, port };
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
    else child.on('exit', (code) => resolve(code));
  });
}

async function initProducer(client: ProtocolClient): Promise<bigint> {
  const res = await client.request(22, 4, {
    transactionalId: null,
    transactionTimeoutMs: 60000,
    producerId: -1n,
    producerEpoch: -1,
    enable2Pc: false,
    keepPreparedTxn: false,
  });
  return res.producerId as bigint;
}

const send = (client: ProtocolClient, pid: bigint, seq: number, values: string[]) =>
  client
    .request(
      0,
      9,
      produceBody('r', [
        { index: 0, records: batch(values, { producerId: pid, baseSequence: seq }) },
      ]),
    )
    .then((r) => r.responses[0].partitionResponses[0] as { errorCode: number; baseOffset: bigint });

for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
  test(`data and producer state survive ${signal}`, async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'rivulet-restart-'));
    dirs.push(dataDir);
    const first = await start(dataDir);
    const client = await ProtocolClient.connect(first.port);
    await createTopic(client, 'r');
    const pid = await initProducer(client);
    assert.equal((await send(client, pid, 0, ['a', 'b'])).baseOffset, 0n);
    assert.equal((await send(client, pid, 2, ['c'])).baseOffset, 2n);
    client.close();
    first.child.kill(signal);
    const code = await exited(first.child);
    // A clean stop snapshots producer state at the log end; a crash leaves replay to recovery.
    const snapshots = (await readdir(join(dataDir, 'r-0'))).filter((n) => n.endsWith('.snapshot'));
    if (signal === 'SIGTERM') {
      assert.equal(code, 0);
      assert.deepEqual(snapshots, ['00000000000000000003.snapshot']);
    } else assert.deepEqual(snapshots, []);

    const second = await start(dataDir);
    const again = await ProtocolClient.connect(second.port);
    const retry = await send(again, pid, 2, ['c']);
    assert.deepEqual([retry.errorCode, retry.baseOffset], [ErrorCode.NONE, 2n]);
    const gap = await send(again, pid, 9, ['z']);
    assert.equal(gap.errorCode, ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    assert.equal((await send(again, pid, 3, ['d'])).baseOffset, 3n);
    const res = await again.request(1, 12, fetchBody('r', [{ partition: 0, fetchOffset: 0 }]));
    assert.deepEqual(valuesOf(res.responses[0].partitions[0].records), ['a', 'b', 'c', 'd']);
    again.close();
    second.child.kill('SIGTERM');
    assert.equal(await exited(second.child), 0);
  });
}
