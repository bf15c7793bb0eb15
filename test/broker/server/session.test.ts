import { after, test as nodeTest } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBroker, type Broker } from '../../../src/index.js';
import { silentLogger } from '../../../src/broker/index.js';
import {
  InMemoryRequestMetrics,
  RequestPipeline,
  startServer,
  type QuotaManager,
  type Session,
} from '../../../src/broker/server/index.js';
import { ErrorCode, createApiVersionsRequest } from '../../../src/protocol/index.js';
import { ProtocolClient } from '../../support/protocol-client.js';
import { batch, fetchBody, produceBody, valuesOf } from '../handlers/data-helpers.js';
import { openInProcessBroker } from '../handlers/in-process-broker.js';

const test = (name: string, fn: () => Promise<void>) => nodeTest(name, { timeout: 10000 }, fn);
const brokers: Broker[] = [];
after(() => Promise.all(brokers.map((b) => b.close())));

const metadataBody = {
  topics: [],
  allowAutoTopicCreation: false,
  includeClusterAuthorizedOperations: false,
  includeTopicAuthorizedOperations: false,
};

/** What the session looked like at each request's quota stage. */
type Seen = [number, string, string, string, string | null, string, string];

function sessionRecorder(seen: Seen[]): QuotaManager {
  return {
    throttleTimeMs: (s: Session, request) => {
      seen.push([
        request.apiKey,
        s.listenerName,
        s.securityProtocol,
        s.principal,
        s.clientId,
        s.clientSoftwareName,
        s.clientSoftwareVersion,
      ]);
      return 0;
    },
  };
}

test('the session keeps its listener and learns the client software from ApiVersions v3+', async () => {
  const seen: Seen[] = [];
  const b = await startBroker({
    quotas: sessionRecorder(seen),
    config: {
      listeners: 'INTERNAL://127.0.0.1:0',
      'listener.security.protocol.map': 'INTERNAL:PLAINTEXT',
    },
  });
  brokers.push(b);
  const client = await ProtocolClient.connect(b.port, { clientId: 'app-1' });
  await client.request(3, 12, metadataBody);
  const bad = await client.request(
    18,
    3,
    createApiVersionsRequest({ clientSoftwareName: '-bad-', clientSoftwareVersion: '1' }),
  );
  assert.equal(bad.errorCode, ErrorCode.INVALID_REQUEST);
  await client.request(3, 12, metadataBody);
  const good = await client.request(
    18,
    3,
    createApiVersionsRequest({
      clientSoftwareName: 'rivulet-test',
      clientSoftwareVersion: '1.2.3',
    }),
  );
  assert.equal(good.errorCode, ErrorCode.NONE);
  await client.request(3, 12, metadataBody);
  const connection = ['INTERNAL', 'PLAINTEXT', 'User:ANONYMOUS', 'app-1'] as const;
  assert.deepEqual(seen, [
    [3, ...connection, 'unknown', 'unknown'],
    [18, ...connection, 'unknown', 'unknown'],
    // A malformed name or version is refused and not kept.
    [3, ...connection, 'unknown', 'unknown'],
    [18, ...connection, 'unknown', 'unknown'],
    [3, ...connection, 'rivulet-test', '1.2.3'],
  ]);
  // Another connection has its own session.
  const other = await ProtocolClient.connect(b.port, { clientId: 'app-2' });
  await other.request(3, 12, metadataBody);
  assert.deepEqual(seen.at(-1), [
    3,
    'INTERNAL',
    'PLAINTEXT',
    'User:ANONYMOUS',
    'app-2',
    'unknown',
    'unknown',
  ]);
  other.close();
  client.close();
});

test('a socket that cannot read into the shared buffer is served through the whole pipeline', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rivulet-session-'));
  const seen: Seen[] = [];
  const metrics = new InMemoryRequestMetrics();
  const pipeline = new RequestPipeline({ quotas: sessionRecorder(seen), metrics });
  const broker = await openInProcessBroker(dir, { pipeline });
  const server = await startServer(broker.registry.dispatch, {
    listeners: [],
    logger: silentLogger,
  });
  // Stands in for a TLS listener: its sockets' handles have no user-buffer reads.
  const adopted: Socket[] = [];
  const front = createServer({ pauseOnConnect: true, allowHalfOpen: true }, (socket) => {
    const handle = (socket as unknown as { _handle: { useUserBuffer?: unknown } })._handle;
    handle.useUserBuffer = undefined;
    adopted.push(socket);
    server.adopt(socket, 'PLAINTEXT');
  });
  await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
  const port = (front.address() as { port: number }).port;
  try {
    const client = await ProtocolClient.connect(port, { clientId: 'fallback' });
    const versions = await client.request(
      18,
      3,
      createApiVersionsRequest({ clientSoftwareName: 'tls-like', clientSoftwareVersion: '0.1' }),
    );
    assert.equal(versions.errorCode, ErrorCode.NONE);
    const produced = await client.request(
      0,
      9,
      produceBody('a', [{ index: 0, records: batch(['x', 'y']) }]),
    );
    assert.equal(produced.responses[0].partitionResponses[0].errorCode, ErrorCode.NONE);
    const fetched = await client.request(1, 12, fetchBody('a', [{ partition: 0, fetchOffset: 0 }]));
    assert.deepEqual(valuesOf(fetched.responses[0].partitions[0].records), ['x', 'y']);
    // The accepted socket itself was read (shared reads would have replaced and destroyed it).
    assert.equal(adopted.length, 1);
    assert.equal(adopted[0]!.destroyed, false);
    assert.deepEqual(
      seen.map((s) => [s[0], s[4], s[5]]),
      [
        [18, 'fallback', 'unknown'],
        [0, 'fallback', 'tls-like'],
        [1, 'fallback', 'tls-like'],
      ],
    );
    assert.deepEqual(metrics.apiKeys(), [0, 1, 18]);
    client.close();
  } finally {
    await new Promise<void>((resolve) => front.close(() => resolve()));
    await server.stop({ timeoutMs: 1000 });
    await broker.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
