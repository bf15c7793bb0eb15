// The ACL APIs (DescribeAcls, CreateAcls, DeleteAcls) without an authorizer: SECURITY_DISABLED.
import assert from 'node:assert/strict';
import { ErrorCode } from '../../../src/protocol/index.js';
import { setup, test } from './harness.js';

const ANY = 1;
const TOPIC = 2;
const LITERAL = 3;
const READ = 3;
const ALLOW = 3;

const filter = {
  resourceTypeFilter: ANY,
  resourceNameFilter: null,
  patternTypeFilter: ANY,
  principalFilter: null,
  hostFilter: null,
  operation: ANY,
  permissionType: ANY,
};

test('DescribeAcls v1-3 is SECURITY_DISABLED with Kafka message', async () => {
  const { client } = await setup();
  for (const version of [1, 2, 3]) {
    const res = await client.request(29, version, filter);
    assert.equal(res.errorCode, ErrorCode.SECURITY_DISABLED, `v${version}`);
    assert.equal(res.errorMessage, 'No Authorizer is configured on the broker');
    assert.deepEqual(res.resources, []);
  }
});

test('CreateAcls and DeleteAcls v1-3 fail every item with SECURITY_DISABLED', async () => {
  const { client } = await setup();
  const creation = {
    resourceType: TOPIC,
    resourceName: 'orders',
    resourcePatternType: LITERAL,
    principal: 'User:alice',
    host: '*',
    operation: READ,
    permissionType: ALLOW,
  };
  for (const version of [1, 2, 3]) {
    const created = await client.request(30, version, { creations: [creation, creation] });
    assert.deepEqual(
      created.results.map((r: { errorCode: number; errorMessage: string }) => [
        r.errorCode,
        r.errorMessage,
      ]),
      [
        [ErrorCode.SECURITY_DISABLED, 'No Authorizer is configured.'],
        [ErrorCode.SECURITY_DISABLED, 'No Authorizer is configured.'],
      ],
    );
    const deleted = await client.request(31, version, { filters: [filter] });
    assert.equal(deleted.filterResults.length, 1);
    assert.equal(deleted.filterResults[0].errorCode, ErrorCode.SECURITY_DISABLED);
    assert.equal(deleted.filterResults[0].errorMessage, 'No Authorizer is configured.');
    assert.deepEqual(deleted.filterResults[0].matchingAcls, []);
  }
});
