import { after, test as nodeTest } from 'node:test';
import assert from 'node:assert/strict';
import { startBroker, type Broker } from '../../../src/index.js';
import type { QuotaManager, Session } from '../../../src/broker/server/index.js';
import type { Logger } from '../../../src/broker/index.js';
import { createMetadataRequest } from '../../../src/protocol/index.js';
import { ProtocolClient } from '../../support/protocol-client.js';

const test = (name: string, fn: () => Promise<void>) => nodeTest(name, { timeout: 10000 }, fn);
const brokers: Broker[] = [];
after(() => Promise.all(brokers.map((b) => b.close())));

const metadataBody = {
  topics: [],
  allowAutoTopicCreation: false,
  includeClusterAuthorizedOperations: false,
  includeTopicAuthorizedOperations: false,
};

/** A logger that notes the connection's mute and unmute in `events`. */
function eventLogger(events: string[]): Logger {
  const noop = (): void => {};
  return {
    error: noop,
    warn: noop,
    info: noop,
    debug: (message) => {
      const muted = /muted for (\d+) ms/.exec(message);
      if (muted !== null) events.push(`muted ${muted[1]}`);
      else if (message.endsWith(': unmuted')) events.push('unmuted');
    },
  };
}

test('a throttled request carries throttle_time_ms and mutes its connection until the time is up', async () => {
  const events: string[] = [];
  const asked: [string, string | null, number][] = [];
  const quotas: QuotaManager = {
    throttleTimeMs: (session: Session, request) => {
      asked.push([session.principal, request.clientId, request.apiKey]);
      events.push(`quota ${asked.length}`);
      // Only the first request is over its quota.
      return asked.length === 1 ? 100 : 0;
    },
  };
  const b = await startBroker({ port: 0, quotas, logger: eventLogger(events) });
  brokers.push(b);
  const client = await ProtocolClient.connect(b.port, { clientId: 'greedy' });
  const first = await client.request(3, 12, metadataBody);
  events.push(`response 1 throttle ${first.throttleTimeMs}`);
  // Sent at once; the broker must not read it before the mute ends.
  const second = await client.request(3, 12, metadataBody);
  events.push(`response 2 throttle ${second.throttleTimeMs}`);
  assert.deepEqual(events, [
    'quota 1',
    'muted 100',
    'response 1 throttle 100',
    'unmuted',
    'quota 2',
    'response 2 throttle 0',
  ]);
  assert.deepEqual(asked, [
    ['User:ANONYMOUS', 'greedy', 3],
    ['User:ANONYMOUS', 'greedy', 3],
  ]);
  client.close();
});

test('throttle_time_ms is left out where the response version has no such field', async () => {
  const quotas: QuotaManager = { throttleTimeMs: () => 5 };
  const b = await startBroker({ port: 0, quotas });
  brokers.push(b);
  const client = await ProtocolClient.connect(b.port);
  // Metadata v0 has no throttle_time_ms; v3 does.
  const v0 = await client.request(3, 0, createMetadataRequest({ topics: [] }));
  assert.equal(v0.throttleTimeMs, 0);
  const v3 = await client.request(3, 3, createMetadataRequest({ topics: [] }));
  assert.equal(v3.throttleTimeMs, 5);
  client.close();
});
