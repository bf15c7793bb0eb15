// The recovery point of a `rivulet start` process moves as segments roll, and the checkpoint
// job writes it: after a kill -9, only the segments from the recovery point on are scanned, so
// a damaged byte in an old, long flushed segment cannot cost the acknowledged records after it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, open, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  encodeRecordBatchSync,
  type CreateTopicsResponse,
  type ProduceResponse,
} from '../../src/protocol/index.js';
import { kcat } from './support/clients.js';
import { ProtocolClient } from '../support/protocol-client.js';
import { startRivulet } from './support/rivulet-process.js';

const TOPIC = 'recovery-point';
const BATCH = 20;

async function recoveryPointOf(dataDir: string): Promise<number> {
  const text = await readFile(join(dataDir, 'recovery-point-offset-checkpoint'), 'utf8').catch(
    () => '',
  );
  const line = text.split('\n').find((l) => l.startsWith(`${TOPIC} 0 `));
  return line === undefined ? 0 : Number(line.split(' ')[2]);
}

/** Waits until the checkpoint file has been replaced `runs` times (it is renamed into place). */
async function checkpointRuns(dataDir: string, runs: number): Promise<void> {
  const path = join(dataDir, 'recovery-point-offset-checkpoint');
  const inode = async () => {
    const st = await stat(path).catch(() => null);
    return st && `${st.ino}:${st.mtimeMs}`;
  };
  let last = await inode();
  for (let seen = 0; seen < runs;) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    const now = await inode();
    if (now !== last) seen++;
    last = now;
  }
}

test('kill -9 after rolls: the recovery point was checkpointed, and bit rot below it loses nothing after it', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'rivulet-rp-'));
  const args = ['--override', 'log.flush.offset.checkpoint.interval.ms=100'];
  let broker = await startRivulet(dataDir, args);
  try {
    const conn = await ProtocolClient.connect(broker.port);
    const created = await conn.request<CreateTopicsResponse>(19, 7, {
      topics: [
        {
          name: TOPIC,
          numPartitions: 1,
          replicationFactor: 1,
          assignments: [],
          configs: [{ name: 'segment.bytes', value: String(64 * 1024) }],
        },
      ],
      timeoutMs: 10_000,
      validateOnly: false,
    });
    assert.equal(created.topics[0]?.errorCode, 0);
    // Acknowledged batches (acks=all), by base offset, until the log has rolled several times.
    const acked = new Map<number, string[]>();
    const partitionDir = join(dataDir, `${TOPIC}-0`);
    const segments = async () =>
      (await readdir(partitionDir)).filter((n) => n.endsWith('.log')).sort();
    for (let seq = 0; (await segments()).length < 8; seq++) {
      const values = Array.from({ length: BATCH }, (_, i) => `${seq}-${i}-${'x'.repeat(100)}`);
      const response = await conn.request<ProduceResponse>(0, 9, {
        transactionalId: null,
        acks: -1,
        timeoutMs: 10_000,
        topicData: [
          {
            name: TOPIC,
            partitionData: [
              {
                index: 0,
                records: encodeRecordBatchSync(values.map((v) => ({ value: Buffer.from(v) }))),
              },
            ],
          },
        ],
      });
      const p = response.responses[0]!.partitionResponses[0]!;
      assert.equal(p.errorCode, 0);
      acked.set(Number(p.baseOffset), values);
    }
    await conn.end();
    const logs = await segments();
    const activeBase = Number(logs[logs.length - 1]!.slice(0, 20));
    // The checkpoint job runs every 100 ms: after two more runs, the file holds what the log
    // knew when the last produce was answered.
    await checkpointRuns(dataDir, 2);
    assert.ok(
      (await recoveryPointOf(dataDir)) >= activeBase,
      `recovery point ${await recoveryPointOf(dataDir)}, active segment base ${activeBase}`,
    );
    assert.equal(await broker.stop('SIGKILL'), null);

    // Bit rot in the first segment, well below the recovery point.
    const first = await open(join(partitionDir, logs[0]!), 'r+');
    const size = (await first.stat()).size;
    const at = Math.floor(size / 2);
    const byte = Buffer.alloc(1);
    await first.read(byte, 0, 1, at);
    await first.write(Buffer.from([byte[0]! ^ 0xff]), 0, 1, at);
    await first.close();

    broker = await startRivulet(dataDir, args);
    const secondBase = Number(logs[1]!.slice(0, 20));
    const out = await kcat(
      ['-b', broker.bootstrap, '-C', '-t', TOPIC, '-p', '0', '-o', String(secondBase), '-e', '-J'],
      undefined,
      60_000,
    );
    const read = new Map(
      out
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as { offset: number; payload: string })
        .map((m) => [m.offset, m.payload]),
    );
    let checked = 0;
    for (const [base, values] of acked) {
      if (base < secondBase) continue;
      values.forEach((v, i) => assert.equal(read.get(base + i), v, `offset ${base + i}`));
      checked += values.length;
    }
    assert.ok(checked > 0);
  } finally {
    await broker.stop('SIGTERM');
    await rm(dataDir, { recursive: true, force: true });
  }
});
