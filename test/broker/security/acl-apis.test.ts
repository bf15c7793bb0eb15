// CreateAcls, DescribeAcls and DeleteAcls with Kafka's StandardAuthorizer configured: the round
// trip with filters (literal, prefixed, MATCH, ANY), validation, the cluster permissions the
// APIs themselves need, and the ACLs surviving a restart by replay of their records.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { startBroker } from '../../../src/index.js';
import { ErrorCode } from '../../../src/protocol/index.js';
import { ProtocolClient } from '../../support/protocol-client.js';
import { test } from '../handlers/harness.js';
import { SECURED } from './secured-broker.js';

const ANY = 1;
const MATCH = 2;
const LITERAL = 3;
const PREFIXED = 4;
const TOPIC = 2;
const GROUP = 3;
const CLUSTER = 4;
const READ = 3;
const WRITE = 4;
const DESCRIBE = 8;
const DENY = 2;
const ALLOW = 3;

const dirs: string[] = [];
after(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

function acl(over: Partial<Record<string, unknown>>) {
  return {
    resourceType: TOPIC,
    resourceName: 'orders',
    resourcePatternType: LITERAL,
    principal: 'User:alice',
    host: '*',
    operation: READ,
    permissionType: ALLOW,
    ...over,
  };
}

const everything = {
  resourceTypeFilter: ANY,
  resourceNameFilter: null,
  patternTypeFilter: ANY,
  principalFilter: null,
  hostFilter: null,
  operation: ANY,
  permissionType: ANY,
};

test('CreateAcls, DescribeAcls with filters, DeleteAcls, and replay after a restart', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'rivulet-acls-'));
  dirs.push(dataDir);
  let broker = await startBroker({ ...SECURED, dataDir });
  let admin = await ProtocolClient.connect(broker.port, { clientId: 'admin' });
  try {
    const created = await admin.request(30, 3, {
      creations: [
        acl({}),
        acl({ operation: WRITE }),
        acl({ resourceName: 'ord', resourcePatternType: PREFIXED, principal: 'User:bob' }),
        acl({ resourceType: GROUP, resourceName: 'g1', permissionType: DENY }),
        acl({ resourceType: CLUSTER, resourceName: 'kafka-cluster', operation: DESCRIBE }),
        acl({}), // the same ACL again: accepted, stored once
        acl({ resourceType: CLUSTER, resourceName: 'other' }),
        acl({ principal: 'alice' }),
        acl({ resourcePatternType: ANY }),
      ],
    });
    assert.deepEqual(
      created.results.map((r: { errorCode: number }) => r.errorCode),
      [0, 0, 0, 0, 0, 0, 42, 42, 42].map((c) => (c === 42 ? ErrorCode.INVALID_REQUEST : c)),
    );
    assert.equal(
      created.results[6].errorMessage,
      'The only valid name for the CLUSTER resource is kafka-cluster',
    );

    const all = await admin.request(29, 3, everything);
    assert.equal(all.errorCode, 0);
    assert.equal(all.resources.length, 4);
    const orders = all.resources.find(
      (r: { resourceName: string; patternType: number }) =>
        r.resourceName === 'orders' && r.patternType === LITERAL,
    );
    assert.equal(orders.acls.length, 2);

    // MATCH: the literal name and every prefixed pattern covering it.
    const match = await admin.request(29, 3, {
      ...everything,
      resourceTypeFilter: TOPIC,
      resourceNameFilter: 'orders',
      patternTypeFilter: MATCH,
    });
    assert.deepEqual(match.resources.map((r: { resourceName: string }) => r.resourceName).sort(), [
      'ord',
      'orders',
    ]);
    const byPrincipal = await admin.request(29, 3, { ...everything, principalFilter: 'User:bob' });
    assert.deepEqual(
      byPrincipal.resources.map((r: { resourceName: string }) => r.resourceName),
      ['ord'],
    );
    const unknown = await admin.request(29, 3, { ...everything, patternTypeFilter: 0 });
    assert.equal(unknown.errorCode, ErrorCode.INVALID_REQUEST);

    // Restart: the ACLs come back from the metadata log.
    admin.close();
    await broker.close();
    broker = await startBroker({ ...SECURED, dataDir });
    admin = await ProtocolClient.connect(broker.port, { clientId: 'admin' });
    const again = await admin.request(29, 2, everything);
    assert.equal(again.resources.length, 4);

    const deleted = await admin.request(31, 3, {
      filters: [
        {
          ...everything,
          resourceTypeFilter: TOPIC,
          resourceNameFilter: 'orders',
          patternTypeFilter: LITERAL,
        },
        { ...everything, operation: WRITE },
      ],
    });
    assert.equal(deleted.filterResults[0].errorCode, 0);
    assert.equal(deleted.filterResults[0].matchingAcls.length, 2);
    assert.equal(deleted.filterResults[1].matchingAcls.length, 1);
    const left = await admin.request(29, 3, everything);
    assert.deepEqual(left.resources.map((r: { resourceName: string }) => r.resourceName).sort(), [
      'g1',
      'kafka-cluster',
      'ord',
    ]);
  } finally {
    admin.close();
    await broker.close();
  }
});

test('the ACL APIs need DESCRIBE / ALTER on the cluster', async () => {
  const broker = await startBroker(SECURED);
  const admin = await ProtocolClient.connect(broker.port, { clientId: 'admin' });
  const alice = await ProtocolClient.connect(broker.port, { clientId: 'alice' });
  try {
    const denied = await alice.request(29, 3, everything);
    assert.equal(denied.errorCode, ErrorCode.CLUSTER_AUTHORIZATION_FAILED);
    const create = await alice.request(30, 3, { creations: [acl({})] });
    assert.equal(create.results[0].errorCode, ErrorCode.CLUSTER_AUTHORIZATION_FAILED);
    const del = await alice.request(31, 3, { filters: [everything] });
    assert.equal(del.filterResults[0].errorCode, ErrorCode.CLUSTER_AUTHORIZATION_FAILED);
    // ALTER on the cluster implies DESCRIBE: alice may now list and change ACLs.
    await admin.request(30, 3, {
      creations: [acl({ resourceType: CLUSTER, resourceName: 'kafka-cluster', operation: 7 })],
    });
    const allowed = await alice.request(29, 3, everything);
    assert.equal(allowed.errorCode, 0);
    assert.equal(allowed.resources.length, 1);
  } finally {
    admin.close();
    alice.close();
    await broker.close();
  }
});
