// SaslHandshake and SaslAuthenticate on a listener without SASL: answered, connection kept.
import assert from 'node:assert/strict';
import { ErrorCode } from '../../../src/protocol/index.js';
import { setup, test } from './harness.js';

test('SaslHandshake v0-1 is UNSUPPORTED_SASL_MECHANISM with no mechanisms; the connection carries on', async () => {
  const { client } = await setup();
  for (const version of [0, 1]) {
    const res = await client.request(17, version, { mechanism: 'PLAIN' });
    assert.deepEqual(res, { errorCode: ErrorCode.UNSUPPORTED_SASL_MECHANISM, mechanisms: [] });
  }
  const versions = await client.request(18, 3, {
    clientSoftwareName: 'rivulet-test',
    clientSoftwareVersion: '1.0.0',
  });
  assert.equal(versions.errorCode, ErrorCode.NONE);
  const advertised = versions.apiKeys.find((k: { apiKey: number }) => k.apiKey === 17);
  assert.deepEqual(advertised, { apiKey: 17, minVersion: 0, maxVersion: 1 });
});

test('SaslAuthenticate v0-2 is ILLEGAL_SASL_STATE', async () => {
  const { client } = await setup();
  for (const version of [0, 1, 2]) {
    const res = await client.request(36, version, { authBytes: Buffer.from('\0u\0p') });
    assert.equal(res.errorCode, ErrorCode.ILLEGAL_SASL_STATE, `v${version}`);
    assert.match(res.errorMessage, /listener without SASL/);
  }
});
