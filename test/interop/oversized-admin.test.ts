// Requests the frame fuzz found to take the broker down: CreateTopics or CreatePartitions
// asking for millions of partitions (one flipped bit in a real client's request) made it try
// and run out of memory. Kafka refuses more than 10,000 new partitions per request. The
// broker runs as a child process with a small heap so that a regression fails quickly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CreatePartitionsResponse, CreateTopicsResponse } from '../../src/protocol/index.js';
import { advertisedApis } from './support/broker-apis.js';
import { ProtocolClient } from '../support/protocol-client.js';
import { startRivulet, type RivuletProcess } from './support/rivulet-process.js';

const HUGE = 16_777_217;

async function withBroker(use: (broker: RivuletProcess) => Promise<void>): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'rivulet-oversized-'));
  const broker = await startRivulet(dataDir, [], { maxHeapMb: 96 });
  try {
    await use(broker);
    assert.ok((await advertisedApis(broker.port)).has(18), 'the broker still answers');
  } finally {
    await broker.stop('SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
  }
}

test('CreateTopics with 16,777,217 partitions is refused, not attempted', () =>
  withBroker(async (broker) => {
    const conn = await ProtocolClient.connect(broker.port);
    const response = await conn.request<CreateTopicsResponse>(19, 7, {
      topics: [
        { name: 'huge', numPartitions: HUGE, replicationFactor: 1, assignments: [], configs: [] },
      ],
      timeoutMs: 10_000,
      validateOnly: false,
    });
    assert.notEqual(response.topics[0]?.errorCode, 0);
    conn.socket.destroy();
  }));

test('CreatePartitions to 16,777,217 partitions is refused, not attempted', () =>
  withBroker(async (broker) => {
    const conn = await ProtocolClient.connect(broker.port);
    const created = await conn.request<CreateTopicsResponse>(19, 7, {
      topics: [
        { name: 'grow', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] },
      ],
      timeoutMs: 10_000,
      validateOnly: false,
    });
    assert.equal(created.topics[0]?.errorCode, 0);
    const response = await conn.request<CreatePartitionsResponse>(37, 3, {
      topics: [{ name: 'grow', count: HUGE, assignments: null }],
      timeoutMs: 10_000,
      validateOnly: false,
    });
    assert.notEqual(response.results[0]?.errorCode, 0);
    conn.socket.destroy();
  }));
