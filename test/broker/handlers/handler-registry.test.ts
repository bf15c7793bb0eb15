import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HandlerRegistry, type ApiHandler } from '../../../src/broker/handlers/index.js';
import {
  Writer,
  createProduceRequest,
  createRequestHeader,
  encodeProduceRequest,
  writeRequestHeader,
} from '../../../src/protocol/index.js';
import { dispatchContext } from './in-process-broker.js';

const ctx = (apiKey: number, apiVersion: number) => dispatchContext(apiKey, apiVersion);

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

test('versions below minServedVersion are advertised but refused; null answers send nothing', async () => {
  const registry = new HandlerRegistry();
  const seen: unknown[] = [];
  registry.register({
    apiKey: 0,
    name: 'Produce',
    minVersion: 0,
    maxVersion: 11,
    minServedVersion: 3,
    handle: (request, apiCtx) => {
      seen.push([apiCtx.clientId, apiCtx.principal, (request as { acks: number }).acks]);
      return Promise.resolve(null);
    },
  });
  assert.deepEqual(registry.versions(), [{ apiKey: 0, minVersion: 0, maxVersion: 11 }]);
  await assert.rejects(registry.dispatch(ctx(0, 2), Buffer.alloc(8)), /Produce v2/);
  const w = new Writer();
  writeRequestHeader(
    w,
    createRequestHeader({
      requestApiKey: 0,
      requestApiVersion: 3,
      correlationId: 1,
      clientId: 'c',
    }),
  );
  encodeProduceRequest(w, 3, createProduceRequest({ acks: 0, timeoutMs: 1 }));
  assert.equal(await registry.dispatch(ctx(0, 3), w.toBuffer()), null);
  assert.deepEqual(seen, [['c', 'User:ANONYMOUS', 0]]);
  // A body cut short does not decode: the dispatch rejects and the server closes.
  const cut = w.toBuffer().subarray(0, w.length - 3);
  await assert.rejects(registry.dispatch(ctx(0, 3), cut));
});
