// The shared test helpers fail with a message saying what they waited for when the event does
// not come, instead of hanging: bounds are set small here so the failures show at once.
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { after, test } from 'node:test';
import { ProtocolClient } from './protocol-client.js';
import { waitFor, within } from './wait.js';

const servers: Server[] = [];
const sockets: Socket[] = [];
after(() => {
  for (const s of sockets) s.destroy();
  for (const s of servers) s.close();
});

/** A server that accepts connections, reads everything and never answers. */
async function silentServer(): Promise<number> {
  const server = createServer((socket) => {
    sockets.push(socket);
    socket.on('data', () => {});
    socket.on('error', () => {});
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as { port: number }).port;
}

test('waitFor fails naming what it waited for', async () => {
  await assert.rejects(
    waitFor('a condition that never holds', () => false, { timeoutMs: 50 }),
    /timed out after 50 ms waiting for a condition that never holds/,
  );
  let calls = 0;
  await waitFor('the third check', () => ++calls === 3);
  assert.equal(calls, 3);
});

test('within fails naming what it waited for, and passes a settled value through', async () => {
  await assert.rejects(
    within('an event that never comes', new Promise(() => {}), 50),
    /timed out after 50 ms waiting for an event that never comes/,
  );
  assert.equal(await within('a value', Promise.resolve(7)), 7);
});

test('a request without an answer fails with its API, version and correlation id', async () => {
  const client = await ProtocolClient.connect(await silentServer(), { answerTimeoutMs: 50 });
  await assert.rejects(
    client.request(18, 3, { clientSoftwareName: 'x', clientSoftwareVersion: '1' }),
    /no answer to ApiVersions v3 \(correlation id 1\) within 50 ms/,
  );
  await assert.rejects(client.waitFrames(1), /waited 50 ms for 1 frames; 0 arrived/);
  await assert.rejects(client.waitClosed(), /waiting for the connection to close/);
  client.close();
});

test('requests pending when the connection closes fail at once', async () => {
  const client = await ProtocolClient.connect(await silentServer());
  const answer = client.request(18, 3, { clientSoftwareName: 'x', clientSoftwareVersion: '1' });
  client.close();
  await assert.rejects(answer, /connection closed after 0 answers/);
  await client.waitClosed();
});
