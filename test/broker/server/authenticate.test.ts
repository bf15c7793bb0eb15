import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Session, authenticate } from '../../../src/broker/server/index.js';

const session = (securityProtocol: string) =>
  new Session({
    connectionId: 1,
    listenerName: securityProtocol,
    securityProtocol,
    clientHost: '127.0.0.1',
    clientPort: 1,
  });

test('a PLAINTEXT session is User:ANONYMOUS from the start and may send any request', () => {
  const s = session('PLAINTEXT');
  assert.equal(s.principal, 'User:ANONYMOUS');
  assert.equal(s.saslState, 'none');
  for (const apiKey of [0, 1, 3, 17, 18, 36]) assert.equal(authenticate(s, apiKey), null);
});

test('a SASL session sends only ApiVersions and the SASL requests until it has authenticated', () => {
  const s = session('SASL_PLAINTEXT');
  assert.equal(s.saslState, 'handshake');
  for (const apiKey of [18, 17, 36]) assert.equal(authenticate(s, apiKey), null);
  assert.match(authenticate(s, 3) ?? '', /api key 3 during SASL authentication/);
  s.saslState = 'authenticated';
  assert.equal(authenticate(s, 3), null);
});
