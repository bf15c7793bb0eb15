// Which registered endpoint of a broker its followers fetch from and its leaders send
// AlterPartition to: inter.broker.listener.name (in any case), else the PLAINTEXT listener,
// which is what Kafka's default security.inter.broker.protocol names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ClusterMetadata } from '../../../src/metadata/index.js';
import { interBrokerEndpoint } from '../../../src/broker/data-plane.js';

const endpoints = [
  { name: 'EXTERNAL', host: 'public.example', port: 9093, securityProtocol: 3 },
  { name: 'INTERNAL', host: '10.0.0.1', port: 9092, securityProtocol: 0 },
];
// The image's broker lookup is all the function reads.
const metadata = {
  image: { broker: (id: number) => (id === 1 ? { endpoints } : undefined) },
} as unknown as ClusterMetadata;

test('inter.broker.listener.name picks the listener, whatever its case', () => {
  assert.deepEqual(interBrokerEndpoint(metadata, 1, 'external'), {
    host: 'public.example',
    port: 9093,
  });
  assert.deepEqual(interBrokerEndpoint(metadata, 1, 'INTERNAL'), { host: '10.0.0.1', port: 9092 });
});

test('without it the PLAINTEXT listener is used, not the first one', () => {
  assert.deepEqual(interBrokerEndpoint(metadata, 1, null), { host: '10.0.0.1', port: 9092 });
});

test('an unknown broker has no endpoint', () => {
  assert.equal(interBrokerEndpoint(metadata, 2, null), null);
});
