import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HandlerRegistry, type ApiHandler } from '../../../src/broker/handlers/index.js';

const ctx = (apiKey: number, apiVersion: number) => ({
  apiKey,
  apiVersion,
  correlationId: 1,
  connectionId: 0,
  listenerName: 'PLAINTEXT',
  clientHost: '127.0.0.1',
  clientPort: 1,
});

const handler = (apiKey: number, maxVersion: number): ApiHandler => ({
  apiKey,
  name: `api${apiKey}`,
  minVersion: 0,
  maxVersion,
  handle: () => Promise.reject(new Error('not used')),
  handleFrame: async () => [Buffer.from([apiKey])],
});

test('dispatch routes by api key within the supported versions', async () => {
  const registry = new HandlerRegistry();
  registry.register(handler(3, 12));
  registry.register(handler(0, 11));
  assert.deepEqual(await registry.dispatch(ctx(3, 12), Buffer.alloc(8)), [Buffer.from([3])]);
  await assert.rejects(registry.dispatch(ctx(3, 13), Buffer.alloc(8)), /api3 v13/);
  await assert.rejects(registry.dispatch(ctx(7, 0), Buffer.alloc(8)), /unsupported api key 7/);
  assert.deepEqual(registry.versions(), [
    { apiKey: 0, minVersion: 0, maxVersion: 11 },
    { apiKey: 3, minVersion: 0, maxVersion: 12 },
  ]);
});

test('registering two handlers for one key is a bug', () => {
  const registry = new HandlerRegistry();
  registry.register(handler(1, 1));
  assert.throws(() => registry.register(handler(1, 2)), /already registered/);
});
