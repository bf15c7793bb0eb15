// OAUTHBEARER with signed JWTs checked against a JWKS (Kafka's OAuthBearerValidatorCallbackHandler
// settings: sasl.oauthbearer.jwks.endpoint.url, expected audience and issuer, sub claim name),
// with KafkaJS as the client: a valid token produces; a token with the wrong audience, signed by
// another key, or expired is refused while the valid client keeps working. The JWKS is served
// both from a file: URL and over HTTP.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import kafkajs from 'kafkajs';
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey } from 'jose';
import { memoryLogger, startBroker, type Broker } from '../../src/index.js';

const { Kafka, logLevel } = kafkajs;

let broker: Broker;
const logger = memoryLogger('info');
let dir: string;
let http: Server;
let signing: CryptoKey;
let stranger: CryptoKey;

const port = (name: string): number => broker.listeners.find((l) => l.name === name)!.port;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rivulet-jwks-'));
  const pair = await generateKeyPair('RS256');
  signing = pair.privateKey;
  stranger = (await generateKeyPair('RS256')).privateKey;
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  const jwks = JSON.stringify({ keys: [jwk] });
  const file = join(dir, 'jwks.json');
  await writeFile(file, jwks);
  http = createServer((_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(jwks);
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const httpPort = (http.address() as { port: number }).port;
  const validator =
    'org.apache.kafka.common.security.oauthbearer.OAuthBearerValidatorCallbackHandler';
  broker = await startBroker({
    logger,
    config: {
      listeners: 'FILE://127.0.0.1:0,WEB://127.0.0.1:0',
      'listener.security.protocol.map': 'FILE:SASL_PLAINTEXT,WEB:SASL_PLAINTEXT',
      'sasl.enabled.mechanisms': 'OAUTHBEARER',
      'listener.name.file.oauthbearer.sasl.server.callback.handler.class': validator,
      'listener.name.file.sasl.oauthbearer.jwks.endpoint.url': pathToFileURL(file).href,
      'listener.name.web.oauthbearer.sasl.server.callback.handler.class': validator,
      'listener.name.web.sasl.oauthbearer.jwks.endpoint.url': `http://127.0.0.1:${httpPort}/jwks`,
      'sasl.oauthbearer.expected.audience': 'kafka',
      'sasl.oauthbearer.expected.issuer': 'https://issuer.example',
      'sasl.oauthbearer.sub.claim.name': 'client_id',
    },
  });
});

after(async () => {
  await broker.close();
  http.close();
  await rm(dir, { recursive: true, force: true });
});

function token(key: CryptoKey, claims: { aud?: string; exp?: number } = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ client_id: 'svc-orders' })
    .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
    .setIssuer('https://issuer.example')
    .setAudience(claims.aud ?? 'kafka')
    .setIssuedAt(now)
    .setExpirationTime(claims.exp ?? now + 600)
    .sign(key);
}

function client(listener: string, value: () => Promise<string>) {
  return new Kafka({
    brokers: [`127.0.0.1:${port(listener)}`],
    clientId: 'jwt-test',
    sasl: { mechanism: 'oauthbearer', oauthBearerProvider: async () => ({ value: await value() }) },
    retry: { retries: 0 },
    logLevel: logLevel.NOTHING,
  });
}

test('a signed JWT from the JWKS file or URL authenticates; wrong audience, key or expiry do not', async () => {
  for (const listener of ['FILE', 'WEB']) {
    const good = client(listener, () => token(signing)).producer();
    await good.connect();
    await good.send({ topic: `jwt-${listener}`, messages: [{ value: 'ok' }] });
    const bad: [string, () => Promise<string>][] = [
      ['audience', () => token(signing, { aud: 'someone-else' })],
      ['key', () => token(stranger)],
      ['expiry', () => token(signing, { exp: Math.floor(Date.now() / 1000) - 3600 })],
    ];
    for (const [why, value] of bad) {
      const admin = client(listener, value).admin();
      // KafkaJS takes the RFC 7628 error challenge for success (as it would with Kafka); its
      // first real request then finds the connection closed by the broker.
      await assert.rejects(
        (async () => {
          await admin.connect();
          await admin.listTopics();
        })(),
        Error,
        `${listener}: wrong ${why}`,
      );
      await admin.disconnect();
    }
    // The good client is unaffected.
    await good.send({ topic: `jwt-${listener}`, messages: [{ value: 'still ok' }] });
    await good.disconnect();
  }
  // Each refusal was the broker's, for the reason given.
  const failures = logger.records
    .filter((r) => r.message.startsWith('Failed authentication'))
    .map((r) => r.message);
  for (const reason of [/"aud" claim/, /signature verification failed/, /"exp" claim/]) {
    assert.equal(
      failures.filter((m) => reason.test(m)).length,
      2,
      `${reason}: ${failures.join('\n')}`,
    );
  }
});
