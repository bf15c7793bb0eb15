import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Session, nullHandler } from '../../../src/broker/server/index.js';

test('the null handler echoes the correlation id followed by its fixed body', async () => {
  const body = Buffer.from([1, 2, 3]);
  const ctx = {
    apiKey: 0,
    apiVersion: 9,
    correlationId: 0x01020304,
    session: new Session({
      connectionId: 0,
      listenerName: 'PLAINTEXT',
      securityProtocol: 'PLAINTEXT',
      clientHost: '127.0.0.1',
      clientPort: 1,
    }),
    throttleTimeMs: 0,
  };
  const parts = await nullHandler(body)(ctx, Buffer.alloc(8));
  assert.deepEqual(Buffer.concat(parts!), Buffer.from([1, 2, 3, 4, 1, 2, 3]));
});
