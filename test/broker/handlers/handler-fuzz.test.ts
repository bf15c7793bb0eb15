// Mutated requests for every metadata and admin API at every version: a request that decodes
// must be answered (a handler that throws would close the client's connection), and the
// answer must encode. Deterministic: a seeded generator picks the mutations.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dispatchContext, openInProcessBroker, seededRandom } from './in-process-broker.js';
import {
  Reader,
  Writer,
  apiByKey,
  createRequestHeader,
  readRequestHeader,
  writeRequestHeader,
} from '../../../src/protocol/index.js';

const ID = '6ba7b810-9dad-41d1-80b4-00c04fd430c8';
const SEEDS: Record<number, unknown> = {
  3: {
    topics: [
      { name: 'a', topicId: ID },
      { name: null, topicId: ID },
    ],
    allowAutoTopicCreation: true,
    includeClusterAuthorizedOperations: true,
    includeTopicAuthorizedOperations: true,
  },
  18: { clientSoftwareName: 'x', clientSoftwareVersion: '1' },
  19: {
    topics: [
      {
        name: 'b',
        numPartitions: 2,
        replicationFactor: -1,
        assignments: [{ partitionIndex: 0, brokerIds: [1] }],
        configs: [{ name: 'retention.ms', value: '1' }],
      },
    ],
    timeoutMs: 100,
    validateOnly: false,
  },
  20: { topics: [{ name: 'a', topicId: ID }], topicNames: ['a'], timeoutMs: 100 },

  32: {
    resources: [{ resourceType: 2, resourceName: 'a', configurationKeys: ['retention.ms'] }],
    includeSynonyms: true,
    includeDocumentation: true,
  },
  33: {
    resources: [
      { resourceType: 2, resourceName: 'a', configs: [{ name: 'retention.ms', value: '5' }] },
    ],
    validateOnly: false,
  },
  35: { topics: [{ topic: 'a', partitions: [0, 1] }] },
  37: {
    topics: [{ name: 'a', count: 3, assignments: [{ brokerIds: [1] }] }],
    timeoutMs: 100,
    validateOnly: false,
  },
  44: {
    resources: [
      {
        resourceType: 2,
        resourceName: 'a',
        configs: [{ name: 'cleanup.policy', configOperation: 2, value: 'compact' }],
      },
    ],
    validateOnly: false,
  },
  60: { includeClusterAuthorizedOperations: true, endpointType: 1, includeFencedBrokers: true },
  75: {
    topics: [{ name: 'a' }],
    responsePartitionLimit: 1,
    cursor: { topicName: 'a', partitionIndex: 0 },
  },
};

/** Simpler seeds for versions where a field of the first one does not exist. */
const FALLBACK_SEEDS: Record<number, unknown> = {
  3: {
    topics: [{ name: 'a', topicId: '00000000-0000-0000-0000-000000000000' }],
    allowAutoTopicCreation: true,
    includeClusterAuthorizedOperations: false,
    includeTopicAuthorizedOperations: false,
  },
  20: { topics: [], topicNames: ['a'], timeoutMs: 100 },
  32: {
    resources: [{ resourceType: 2, resourceName: 'a', configurationKeys: ['retention.ms'] }],
    includeSynonyms: true,
    includeDocumentation: false,
  },
  60: { includeClusterAuthorizedOperations: true, endpointType: 1, includeFencedBrokers: false },
};

/** The seed's body at `version`, or the fallback's where the seed has fields it lacks. */
function encodeBody(apiKey: number, version: number, seed: unknown): Writer {
  const spec = apiByKey(apiKey)!;
  try {
    const w = new Writer();
    spec.encodeRequest!(w, version, seed);
    return w;
  } catch {
    const w = new Writer();
    spec.encodeRequest!(w, version, FALLBACK_SEEDS[apiKey]);
    return w;
  }
}

test('mutated requests that decode are always answered', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rivulet-fuzz-'));
  try {
    const broker = await openInProcessBroker(dir);
    const { registry } = broker;
    const next = seededRandom(42);
    let decoded = 0;
    for (const [key, seed] of Object.entries(SEEDS)) {
      const apiKey = Number(key);
      const handler = registry.get(apiKey)!;
      const spec = apiByKey(apiKey)!;
      for (let version = handler.minVersion; version <= handler.maxVersion; version++) {
        const w = new Writer();
        writeRequestHeader(
          w,
          createRequestHeader({
            requestApiKey: apiKey,
            requestApiVersion: version,
            correlationId: 7,
            clientId: 'fuzz',
          }),
        );
        const headerBytes = w.length;
        w.append(encodeBody(apiKey, version, seed));
        const original = w.toBuffer();
        for (let i = 0; i < 60; i++) {
          const frame = Buffer.from(original);
          const flips = 1 + Math.floor(next() * 3);
          for (let f = 0; f < flips; f++) {
            const at = headerBytes + Math.floor(next() * (frame.length - headerBytes));
            frame[at] = Math.floor(next() * 256);
          }
          const r = new Reader(frame);
          let ok = true;
          try {
            readRequestHeader(r);
            spec.decodeRequest!(r, version);
          } catch {
            ok = false;
          }
          const answer = registry.dispatch(dispatchContext(apiKey, version), frame);
          if (!ok) {
            await answer.catch(() => undefined);
            continue;
          }
          decoded++;
          const parts = await answer.catch((err: unknown) =>
            assert.fail(`${handler.name} v${version} rejected ${frame.toString('hex')}: ${err}`),
          );
          assert.ok(parts !== null && parts.length > 0, `${handler.name} v${version} answered`);
        }
      }
    }
    assert.ok(decoded > 300, `only ${decoded} mutated requests decoded`);
    await broker.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
