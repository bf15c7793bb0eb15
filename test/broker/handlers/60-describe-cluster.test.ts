import assert from 'node:assert/strict';
import { ErrorCode } from '../../../src/protocol/index.js';
import { setup, test } from './harness.js';

test('DescribeCluster v0-2 lists this broker; controller endpoints are refused', async () => {
  const { broker, client } = await setup();
  for (const version of [0, 1, 2]) {
    const res = await client.request(60, version, {
      includeClusterAuthorizedOperations: true,
      endpointType: 1,
      includeFencedBrokers: false,
    });
    assert.equal(res.errorCode, ErrorCode.NONE);
    assert.equal(res.clusterId.length, 22);
    assert.equal(res.controllerId, 1);
    assert.deepEqual(
      res.brokers.map((b: { brokerId: number; port: number }) => [b.brokerId, b.port]),
      [[1, broker.port]],
    );
    assert.ok(res.clusterAuthorizedOperations > 0);
  }
  const res = await client.request(60, 1, {
    includeClusterAuthorizedOperations: false,
    endpointType: 2,
    includeFencedBrokers: false,
  });
  assert.equal(res.errorCode, ErrorCode.MISMATCHED_ENDPOINT_TYPE);
});
