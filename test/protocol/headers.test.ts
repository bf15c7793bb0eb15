import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ProtocolDecodeError,
  Reader,
  Writer,
  decodeApiVersionsRequest,
  decodeApiVersionsResponse,
  encodeApiVersionsFallback,
  encodeApiVersionsRequest,
  peekRequestHeader,
  readRequestHeader,
  requestHeaderVersion,
  responseHeaderVersion,
  writeRequestHeader,
  writeResponseHeader,
} from '../../src/protocol/index.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

// The example of README §3: ApiVersions v3, correlation id 1, client "cli", software "ts" "1".
const API_VERSIONS_V3 = hex(
  '00000014 0012 0003 00000001 0003636c69 00 037473 0231 00'.replace(/ /g, ''),
);

test('the ApiVersions v3 request of the protocol notes, byte for byte', () => {
  const w = new Writer();
  const size = w.reserveInt32();
  writeRequestHeader(w, {
    requestApiKey: 18,
    requestApiVersion: 3,
    correlationId: 1,
    clientId: 'cli',
  });
  encodeApiVersionsRequest(w, 3, { clientSoftwareName: 'ts', clientSoftwareVersion: '1' });
  w.patchInt32(size, w.length - 4);
  assert.deepStrictEqual(w.toBuffer(), API_VERSIONS_V3);

  const r = new Reader(API_VERSIONS_V3, 4);
  assert.deepStrictEqual(readRequestHeader(r), {
    requestApiKey: 18,
    requestApiVersion: 3,
    correlationId: 1,
    clientId: 'cli',
  });
  assert.deepStrictEqual(decodeApiVersionsRequest(r, 3), {
    clientSoftwareName: 'ts',
    clientSoftwareVersion: '1',
  });
  assert.equal(r.remaining, 0);
});

test('the fallback answer to an unknown ApiVersions version, byte for byte', () => {
  const frame = encodeApiVersionsFallback(1);
  assert.deepStrictEqual(frame, hex('00000010 00000001 0023 00000001 0012 0000 0004'));
  const r = new Reader(frame, 8);
  const body = decodeApiVersionsResponse(r, 0);
  assert.equal(body.errorCode, 35);
  assert.deepStrictEqual(body.apiKeys, [{ apiKey: 18, minVersion: 0, maxVersion: 4 }]);
  assert.equal(encodeApiVersionsFallback(0x01020304).readInt32BE(4), 0x01020304);
});

test('header versions follow each API and version; ApiVersions answers with v0', () => {
  assert.equal(requestHeaderVersion(0, 8), 1);
  assert.equal(requestHeaderVersion(0, 9), 2);
  assert.equal(responseHeaderVersion(0, 8), 0);
  assert.equal(responseHeaderVersion(0, 9), 1);
  assert.equal(requestHeaderVersion(18, 2), 1);
  assert.equal(requestHeaderVersion(18, 3), 2);
  assert.equal(requestHeaderVersion(18, 99), 2);
  assert.equal(responseHeaderVersion(18, 3), 0);
  assert.equal(responseHeaderVersion(18, 4), 0);
  // SaslHandshake is never flexible.
  assert.equal(requestHeaderVersion(17, 1), 1);
  assert.equal(responseHeaderVersion(17, 1), 0);
  // Unknown keys: the classic header, so the prefix can still be read.
  assert.equal(requestHeaderVersion(999, 0), 1);
  assert.equal(responseHeaderVersion(999, 0), 0);
});

test('response headers: v0 is the correlation id, v1 adds an empty tag section', () => {
  const encode = (apiKey: number, apiVersion: number): string => {
    const w = new Writer();
    writeResponseHeader(w, { apiKey, apiVersion, correlationId: 7 });
    return w.toBuffer().toString('hex');
  };
  assert.equal(encode(0, 8), '00000007');
  assert.equal(encode(0, 9), '0000000700');
  assert.equal(encode(18, 4), '00000007');
});

test('the header prefix is readable without knowing the API', () => {
  assert.deepStrictEqual(peekRequestHeader(hex('03e7 0005 0000002a ffff')), {
    apiKey: 999,
    apiVersion: 5,
    correlationId: 42,
  });
  assert.equal(peekRequestHeader(hex('0000 0001 000000')), undefined);
  assert.throws(() => readRequestHeader(new Reader(hex('0000 0001 000000'))), ProtocolDecodeError);
  // A null client id (v1 header).
  const h = readRequestHeader(new Reader(hex('0000 0003 00000009 ffff')));
  assert.equal(h.clientId, null);
});

test('request headers from random bytes decode or fail with ProtocolDecodeError', () => {
  let seed = 12345;
  const next = (): number => (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24;
  let decoded = 0;
  for (let i = 0; i < 2000; i++) {
    const input = Buffer.from(Array.from({ length: next() % 24 }, next));
    // Half the inputs get a plausible (small) client id length.
    if (i % 2 === 0 && input.length >= 10) input.writeInt16BE(next() % 8, 8);
    try {
      readRequestHeader(new Reader(input));
      decoded++;
    } catch (err) {
      assert.ok(err instanceof ProtocolDecodeError, String(err));
    }
  }
  assert.ok(decoded > 50, `only ${decoded} headers decoded`);
});

test('reading a header respects the reader end, not just the buffer end', () => {
  const frame = hex('0000 0003 00000009 ffff 00000000');
  assert.throws(() => readRequestHeader(new Reader(frame, 0, 6)), ProtocolDecodeError);
  assert.equal(readRequestHeader(new Reader(frame, 0, 10)).correlationId, 9);
});
