// A broker under a low limit on open files (`ulimit -n 256`) holds far more partitions than
// descriptors: it creates 1,500 partitions, takes a record on each, serves them all, and does
// it all again after a restart. Segment files are opened on use and at most log.max.open.files
// (capped at half the process limit) stay open.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCode } from '../../../src/protocol/index.js';
import { startRivulet, type RivuletProcess } from '../../interop/support/rivulet-process.js';
import { ProtocolClient } from '../../support/protocol-client.js';
import { batch, fetchBody, produceBody, valuesOf } from '../handlers/data-helpers.js';

const PARTITIONS = 1500;
const LIMIT = ['prlimit', '--nofile=256:256'];
const ids = Array.from({ length: PARTITIONS }, (_, i) => i);

async function produceAll(port: number, round: string): Promise<void> {
  const client = await ProtocolClient.connect(port);
  try {
    const body = produceBody(
      'wide',
      ids.map((index) => ({ index, records: batch([`${round}-${index}`]) })),
      { acks: 1 },
    );
    const res = await client.request(0, 9, body);
    const errors = res.responses[0].partitionResponses.filter(
      (p: { errorCode: number }) => p.errorCode !== ErrorCode.NONE,
    );
    assert.deepEqual(errors, []);
  } finally {
    client.close();
  }
}

async function fetchAll(port: number): Promise<string[][]> {
  const client = await ProtocolClient.connect(port);
  try {
    const res = await client.request(
      1,
      12,
      fetchBody(
        'wide',
        ids.map((partition) => ({ partition, fetchOffset: 0, partitionMaxBytes: 4096 })),
        { maxBytes: 64 << 20 },
      ),
    );
    const out: string[][] = [];
    for (const p of res.responses[0].partitions) {
      assert.equal(p.errorCode, ErrorCode.NONE);
      out[p.partitionIndex] = valuesOf(p.records);
    }
    return out;
  } finally {
    client.close();
  }
}

test(
  '1,500 partitions under ulimit -n 256: create, produce, fetch, restart',
  { timeout: 300_000 },
  async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'rivulet-fd-limit-'));
    let broker: RivuletProcess | null = null;
    try {
      broker = await startRivulet(dataDir, [], { wrapper: LIMIT, timeoutMs: 60_000 });
      const client = await ProtocolClient.connect(broker.port);
      const created = await client.request(19, 7, {
        topics: [
          {
            name: 'wide',
            numPartitions: PARTITIONS,
            replicationFactor: -1,
            assignments: [],
            configs: [],
          },
        ],
        timeoutMs: 240_000,
        validateOnly: false,
      });
      client.close();
      assert.equal(created.topics[0].errorCode, ErrorCode.NONE, created.topics[0].errorMessage);
      await produceAll(broker.port, 'a');
      assert.deepEqual(
        await fetchAll(broker.port),
        ids.map((i) => [`a-${i}`]),
      );
      assert.equal(await broker.stop('SIGTERM'), 0);

      broker = await startRivulet(dataDir, [], { wrapper: LIMIT, timeoutMs: 120_000 });
      assert.deepEqual(
        await fetchAll(broker.port),
        ids.map((i) => [`a-${i}`]),
      );
      await produceAll(broker.port, 'b');
      assert.deepEqual(
        await fetchAll(broker.port),
        ids.map((i) => [`a-${i}`, `b-${i}`]),
      );
      assert.doesNotMatch(broker.stderr(), /EMFILE/);
    } finally {
      if (broker !== null) await broker.stop('SIGTERM');
      await rm(dataDir, { recursive: true, force: true });
    }
  },
);
