// ssl.principal.mapping.rules as Kafka's SslPrincipalMapper applies them, and the RFC 2253 form
// of a certificate subject.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  mapPrincipalName,
  parsePrincipalMappingRules,
  rfc2253Subject,
} from '../../../src/broker/security/tls/principal-mapping.js';

test('rules apply in order; the first whole match wins; DEFAULT keeps the name', () => {
  const rules = parsePrincipalMappingRules(
    'RULE:^CN=(.*?),OU=ServiceUsers.*$/$1/,RULE:^CN=(.*?),OU=(.*?),O=(.*?),L=(.*?),ST=(.*?),C=(.*?)$/$1@$2/L,RULE:^.*[Cc][Nn]=([a-zA-Z0-9.]*).*$/$1/U, DEFAULT',
  );
  assert.ok(Array.isArray(rules));
  assert.equal(mapPrincipalName(rules, 'CN=kafka-svc,OU=ServiceUsers,O=Org'), 'kafka-svc');
  assert.equal(
    mapPrincipalName(rules, 'CN=Duke,OU=JavaSoft,O=Sun Microsystems,L=Santa Clara,ST=CA,C=US'),
    'duke@javasoft',
  );
  assert.equal(mapPrincipalName(rules, 'O=x,cn=bob.smith'), 'BOB.SMITH');
  assert.equal(mapPrincipalName(rules, 'O=nobody'), 'O=nobody');
  const strict = parsePrincipalMappingRules('RULE:^CN=(.*)$/$1/');
  assert.ok(Array.isArray(strict));
  assert.equal(mapPrincipalName(strict, 'O=no-cn'), null);
});

test('malformed rules are named', () => {
  assert.match(String(parsePrincipalMappingRules('RULE:abc')), /no '\/'/);
  assert.match(String(parsePrincipalMappingRules('NOPE')), /neither DEFAULT nor RULE/);
  assert.match(String(parsePrincipalMappingRules('RULE:(/x/')), /invalid pattern/);
});

test('a subject as Node prints it becomes RFC 2253, most specific first, escaped', () => {
  assert.equal(rfc2253Subject('C=US\nO=Acme, Inc.\nCN=alice'), 'CN=alice,O=Acme\\, Inc.,C=US');
});
