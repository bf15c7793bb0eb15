// TLS connections read into the shared buffer (shared-reads.ts): after the handshake the TLS
// handle moves to a socket built with `onread`. Requests written one TLS record at a time are
// answered; a TLS 1.2 client may renegotiate as Node allows (CLIENT_RENEG_LIMIT per
// CLIENT_RENEG_WINDOW) and is closed past that, the broker serving others all along; a client
// that closes is seen to close.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import tls from 'node:tls';
import { startBroker } from '../../../src/index.js';
import { makeCertificates } from '../../interop/support/certificates.js';
import { waitFor } from '../../support/wait.js';

/** An ApiVersions v0 request frame with `correlationId`. */
function apiVersionsFrame(correlationId: number): Buffer {
  const clientId = Buffer.from('shared-reads');
  const body = Buffer.alloc(10 + clientId.length);
  body.writeInt16BE(18, 0);
  body.writeInt16BE(0, 2);
  body.writeInt32BE(correlationId, 4);
  body.writeInt16BE(clientId.length, 8);
  clientId.copy(body, 10);
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length);
  return Buffer.concat([size, body]);
}

/** Reads response frames off `socket` and resolves each awaited correlation id's frame. */
function responses(socket: tls.TLSSocket) {
  let pending = Buffer.alloc(0);
  const frames: number[] = [];
  const waiters: (() => void)[] = [];
  socket.on('data', (chunk: Buffer) => {
    pending = Buffer.concat([pending, chunk]);
    while (pending.length >= 4 && pending.length >= 4 + pending.readInt32BE(0)) {
      frames.push(pending.readInt32BE(4));
      pending = pending.subarray(4 + pending.readInt32BE(0));
    }
    for (const wake of waiters.splice(0)) wake();
  });
  return async (correlationId: number): Promise<void> => {
    const deadline = Date.now() + 10_000;
    while (!frames.includes(correlationId)) {
      if (socket.destroyed) throw new Error(`closed before answering ${correlationId}`);
      if (Date.now() > deadline) throw new Error(`no answer to ${correlationId} within 10 s`);
      await new Promise<void>((resolve) => {
        waiters.push(resolve);
        setTimeout(resolve, 200);
      });
    }
  };
}

test('TLS connections on shared reads: records one by one, renegotiation limits, close', async (t) => {
  const certs = await makeCertificates();
  const broker = await startBroker({
    config: {
      listeners: 'SSL://127.0.0.1:0',
      'ssl.keystore.type': 'PEM',
      'ssl.keystore.location': certs.brokerPem,
      'ssl.enabled.protocols': 'TLSv1.2,TLSv1.3',
    },
  });
  t.after(async () => {
    await broker.close();
    await certs.remove();
  });
  const ca = await readFile(certs.caCert);
  const connect = async (maxVersion: tls.SecureVersion) => {
    const socket = tls.connect({
      host: '127.0.0.1',
      port: broker.port,
      ca,
      servername: 'localhost',
      maxVersion,
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('secureConnect', resolve);
      socket.once('error', reject);
    });
    t.after(() => socket.destroy());
    return socket;
  };

  // A frame written a few bytes per TLS record (each write waits for the previous one).
  const slow = await connect('TLSv1.3');
  const answered = responses(slow);
  const frame = apiVersionsFrame(1);
  for (let at = 0; at < frame.length; at += 3) {
    await new Promise<void>((resolve) => slow.write(frame.subarray(at, at + 3), () => resolve()));
  }
  await answered(1);
  slow.destroy();

  // TLS 1.2 renegotiation: allowed up to CLIENT_RENEG_LIMIT times, then the connection closes.
  const renegotiating = await connect('TLSv1.2');
  const answer = responses(renegotiating);
  const closed = new Promise<void>((resolve) => renegotiating.once('close', () => resolve()));
  let refused = false;
  for (let i = 1; i <= tls.CLIENT_RENEG_LIMIT + 2 && !refused; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      // A refused renegotiation ends with the connection, not with the callback.
      renegotiating.once('close', () => resolve(false));
      const started = renegotiating.renegotiate({}, (err) => resolve(err === null));
      if (!started) resolve(false);
    });
    if (!ok) {
      refused = true;
      break;
    }
    renegotiating.write(apiVersionsFrame(100 + i));
    await answer(100 + i);
  }
  assert.ok(refused, 'renegotiations past the limit are refused');
  await closed;

  // The broker serves new connections, and sees a client's close.
  const after = await connect('TLSv1.3');
  const afterAnswered = responses(after);
  after.write(apiVersionsFrame(7));
  await afterAnswered(7);
  after.end();
  await waitFor('the client connections closed', () => broker.network().connections === 0);
});
