// The JAAS syntax Kafka users paste into sasl.jaas.config.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseJaasConfig } from '../../../src/broker/security/sasl/jaas.js';

test('login module, flag and options, quoted or bare, with escapes', () => {
  const parsed = parseJaasConfig(
    'org.apache.kafka.common.security.plain.PlainLoginModule required\n  username="admin" password="a\\"b;c" user_alice="alice-secret" debug=true;',
  );
  assert.ok(Array.isArray(parsed));
  assert.equal(parsed[0]!.loginModule, 'org.apache.kafka.common.security.plain.PlainLoginModule');
  assert.equal(parsed[0]!.flag, 'required');
  assert.deepEqual(Object.fromEntries(parsed[0]!.options), {
    username: 'admin',
    password: 'a"b;c',
    user_alice: 'alice-secret',
    debug: 'true',
  });
});

test('errors name the problem without echoing values', () => {
  const missingSemicolon = parseJaasConfig('x.Module required password="s3cret"');
  assert.equal(typeof missingSemicolon, 'string');
  assert.ok(!String(missingSemicolon).includes('s3cret'));
  assert.match(String(parseJaasConfig('x.Module maybe a="b";')), /not required\/requisite/);
  assert.match(String(parseJaasConfig('x.Module required a="b')), /not closed/);
});
