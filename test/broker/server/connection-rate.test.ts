// max.connection.creation.rate: the token bucket's arithmetic on a given clock, and a broker
// whose rate is exceeded holding new connections back (a debug line says so) yet serving every
// one of them in the end, as Kafka's throttled acceptor does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { memoryLogger, startBroker } from '../../../src/index.js';
import { ConnectionRate } from '../../../src/broker/server/connection-rate.js';
import { ProtocolClient } from '../../support/protocol-client.js';

test('the bucket holds one second of connections and spaces out the rest', () => {
  const rate = new ConnectionRate(4);
  assert.deepEqual(
    [0, 0, 0, 0].map(() => rate.reserve(1000)),
    [0, 0, 0, 0],
  );
  // The fifth and sixth wait for the next tokens, in order.
  assert.equal(rate.reserve(1000), 250);
  assert.equal(rate.reserve(1000), 500);
  // Two seconds later the bucket is full again (never above one second's worth).
  assert.deepEqual(
    [0, 0, 0, 0].map(() => rate.reserve(3000)),
    [0, 0, 0, 0],
  );
  assert.equal(rate.reserve(3000), 250);
});

test('connections over the rate wait for their turn and are all served', async (t) => {
  const logger = memoryLogger('debug');
  const broker = await startBroker({
    logger,
    config: {
      listeners: 'PLAINTEXT://127.0.0.1:0,SLOW://127.0.0.1:0',
      'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,SLOW:PLAINTEXT',
      'listener.name.slow.max.connection.creation.rate': 5,
    },
  });
  t.after(() => broker.close());
  const slow = broker.listeners.find((l) => l.name === 'SLOW')!.port;
  const clients = await Promise.all(Array.from({ length: 12 }, () => ProtocolClient.connect(slow)));
  try {
    const answers = await Promise.all(
      clients.map((c) => c.request(18, 3, { clientSoftwareName: 't', clientSoftwareVersion: '1' })),
    );
    assert.deepEqual(
      answers.map((a) => a.errorCode),
      clients.map(() => 0),
    );
    const throttled = logger.records.filter((r) =>
      r.message.startsWith('throttling a new connection on SLOW'),
    );
    assert.ok(throttled.length >= 12 - 5, `${throttled.length} connections were held back`);
    // The other listener is not limited.
    assert.ok(
      !logger.records.some((r) => r.message.startsWith('throttling a new connection on PLAINTEXT')),
    );
  } finally {
    for (const c of clients) c.close();
  }
});
