// Parsing `--add-scram` seeds in the syntax of Kafka's `kafka-storage format --add-scram`: a
// password and a salted password with its salt give the same credential; errors never echo the
// text (it holds a password).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseScramSeed } from '../../../src/broker/security/scram-seed.js';
import { saltedPassword } from '../../../src/broker/security/sasl/scram-credential.js';

const noRandom = (): Buffer => {
  throw new Error('a seed with a salt needs no random bytes');
};

test('a password and the same salted password make the same credential', () => {
  const salt = Buffer.from('pepper-and-salt');
  const byPassword = parseScramSeed(
    `SCRAM-SHA-512=[name=alice,iterations=8192,salt="${salt.toString('base64')}",password="p,w=d"]`,
    noRandom,
  );
  const salted = saltedPassword('sha512', 'p,w=d', salt, 8192).toString('base64');
  const bySalted = parseScramSeed(
    `SCRAM-SHA-512=[name=alice,iterations=8192,salt="${salt.toString('base64')}",saltedpassword="${salted}"]`,
    noRandom,
  );
  assert.ok(typeof byPassword !== 'string' && typeof bySalted !== 'string');
  assert.equal(byPassword.name, 'alice');
  assert.equal(byPassword.mechanism.type, 2);
  assert.equal(byPassword.credential.iterations, 8192);
  assert.deepEqual(byPassword.credential, bySalted.credential);
  // Without a salt, one is drawn; 4096 iterations by default.
  const drawn = parseScramSeed('SCRAM-SHA-256=[name=admin,password=admin-secret]', (n) =>
    Buffer.alloc(n, 7),
  );
  assert.ok(typeof drawn !== 'string');
  assert.deepEqual(drawn.credential.salt, Buffer.alloc(32, 7));
  assert.equal(drawn.credential.iterations, 4096);
});

test('malformed seeds say what is wrong without the password', () => {
  const cases: [string, RegExp][] = [
    ['admin:secret-1', /expected MECHANISM=\[name=\.\.\.,password=\.\.\.\]/],
    ['SCRAM-SHA-1=[name=a,password=secret-1]', /unknown SCRAM mechanism SCRAM-SHA-1/],
    ['SCRAM-SHA-256=[password=secret-1]', /needs a name/],
    ['SCRAM-SHA-256=[name=a,pass=secret-1]', /takes name, password/],
    ['SCRAM-SHA-256=[name=a]', /either password or saltedpassword/],
    ['SCRAM-SHA-256=[name=a,saltedpassword=secret-1]', /needs a salt/],
    ['SCRAM-SHA-256=[name=a,iterations=99999,password=secret-1]', /4096\.\.16384/],
  ];
  for (const [text, expected] of cases) {
    const error = parseScramSeed(text, noRandom);
    assert.equal(typeof error, 'string', text);
    assert.match(error as string, expected);
    assert.doesNotMatch(error as string, /secret-1/);
  }
});
