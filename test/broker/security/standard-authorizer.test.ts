// Kafka's StandardAuthorizer rules over an ACL image: literal, wildcard and prefixed patterns,
// principal and host wildcards, implied operations, deny wins, super users, and
// allow.everyone.if.no.acl.found.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StandardAuthorizer } from '../../../src/broker/security/index.js';
import { Session, type Action } from '../../../src/broker/server/index.js';
import { AclImage, type AclBinding } from '../../../src/metadata/index.js';

let nextId = 0;
function image(acls: Partial<AclBinding>[]): AclImage {
  const img = new AclImage();
  for (const a of acls) {
    img.add({
      id: String(nextId++),
      resourceType: 2,
      resourceName: 'orders',
      patternType: 3,
      principal: 'User:alice',
      host: '*',
      operation: 3,
      permissionType: 3,
      ...a,
    });
  }
  return img;
}

function request(principal: string, host = '10.0.0.1') {
  const session = new Session({
    connectionId: 1,
    listenerName: 'PLAINTEXT',
    securityProtocol: 'PLAINTEXT',
    clientHost: host,
    clientPort: 1,
  });
  session.principal = principal;
  return { session, apiKey: 0, apiVersion: 0, correlationId: 0, clientId: null };
}

const topic = (operation: Action['operation'], name = 'orders'): Action => ({
  operation,
  resourceType: 'TOPIC',
  resourceName: name,
  patternType: 'LITERAL',
});

function check(acls: AclImage, principal: string, action: Action, options = {}) {
  const authorizer = new StandardAuthorizer({ acls: () => acls, ...options });
  return authorizer.authorize(request(principal), [action])[0];
}

test('a literal ALLOW allows its operation and the DESCRIBE it implies, nothing else', () => {
  const acls = image([{}]);
  assert.equal(check(acls, 'User:alice', topic('READ')), 'ALLOWED');
  assert.equal(check(acls, 'User:alice', topic('DESCRIBE')), 'ALLOWED');
  assert.equal(check(acls, 'User:alice', topic('WRITE')), 'DENIED');
  assert.equal(check(acls, 'User:bob', topic('READ')), 'DENIED');
  assert.equal(check(acls, 'User:alice', topic('READ', 'orders2')), 'DENIED');
});

test('ALTER_CONFIGS implies DESCRIBE_CONFIGS; ALL allows everything', () => {
  assert.equal(
    check(image([{ operation: 11 }]), 'User:alice', topic('DESCRIBE_CONFIGS')),
    'ALLOWED',
  );
  assert.equal(check(image([{ operation: 11 }]), 'User:alice', topic('DESCRIBE')), 'DENIED');
  assert.equal(check(image([{ operation: 2 }]), 'User:alice', topic('DELETE')), 'ALLOWED');
});

test('prefixed patterns, the wildcard resource and User:* match', () => {
  const acls = image([
    { resourceName: 'ord', patternType: 4, operation: 4 },
    { resourceName: '*', principal: 'User:*', operation: 8 },
  ]);
  assert.equal(check(acls, 'User:alice', topic('WRITE', 'orders-eu')), 'ALLOWED');
  assert.equal(check(acls, 'User:alice', topic('WRITE', 'payments')), 'DENIED');
  assert.equal(check(acls, 'User:carol', topic('DESCRIBE', 'payments')), 'ALLOWED');
});

test('deny wins over allow, but a DENY READ does not deny DESCRIBE', () => {
  const acls = image([
    { operation: 2 },
    { operation: 3, permissionType: 2, resourceName: 'ord', patternType: 4 },
  ]);
  assert.equal(check(acls, 'User:alice', topic('READ')), 'DENIED');
  assert.equal(check(acls, 'User:alice', topic('DESCRIBE')), 'ALLOWED');
  assert.equal(check(acls, 'User:alice', topic('WRITE')), 'ALLOWED');
});

test('hosts: an ACL for one IP applies only to it (IPv4-mapped addresses included)', () => {
  const acls = image([{ host: '10.0.0.1' }]);
  const authorizer = new StandardAuthorizer({ acls: () => acls });
  assert.deepEqual(
    authorizer.authorize(request('User:alice', '::ffff:10.0.0.1'), [topic('READ')]),
    ['ALLOWED'],
  );
  assert.deepEqual(authorizer.authorize(request('User:alice', '10.0.0.2'), [topic('READ')]), [
    'DENIED',
  ]);
});

test('super users and allow.everyone.if.no.acl.found', () => {
  const acls = image([{}]);
  assert.equal(check(acls, 'User:root', topic('DELETE'), { superUsers: ['User:root'] }), 'ALLOWED');
  const open = { allowEveryoneIfNoAclFound: true };
  // No ACL on `payments`: allowed; `orders` has ACLs, so bob is refused there.
  assert.equal(check(acls, 'User:bob', topic('WRITE', 'payments'), open), 'ALLOWED');
  assert.equal(check(acls, 'User:bob', topic('WRITE', 'orders'), open), 'DENIED');
  assert.equal(check(acls, 'User:bob', topic('WRITE', 'payments')), 'DENIED');
});

test('authorizeByResourceType: some resource of the type, unless a wildcard deny', () => {
  const acls = image([{ resourceName: 'ord', patternType: 4, operation: 4 }]);
  const authorizer = new StandardAuthorizer({ acls: () => acls });
  assert.equal(
    authorizer.authorizeByResourceType(request('User:alice'), 'WRITE', 'TOPIC'),
    'ALLOWED',
  );
  assert.equal(authorizer.authorizeByResourceType(request('User:bob'), 'WRITE', 'TOPIC'), 'DENIED');
  const denied = image([
    { resourceName: 'ord', patternType: 4, operation: 4 },
    { resourceName: '*', operation: 4, permissionType: 2 },
  ]);
  const strict = new StandardAuthorizer({ acls: () => denied });
  assert.equal(strict.authorizeByResourceType(request('User:alice'), 'WRITE', 'TOPIC'), 'DENIED');
});
