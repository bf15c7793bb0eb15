// The console's optional login (HTTP Basic), driven with curl as a person or a script would:
// without it or with a wrong password every page and asset answers 401 with the challenge a
// browser turns into a login dialog; with it the pages and the forms work.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { readBasicAuthUsers } from '../../src/console/index.js';
import { startConsoleFixture, textOf } from './support/console-fixture.js';

const run = promisify(execFile);

/** curl's answer: status, headers and body (`-i`), following no redirect. */
async function curl(url: string, args: string[] = []) {
  const { stdout } = await run('curl', ['-s', '-i', '--max-time', '30', ...args, url]);
  const split = stdout.indexOf('\r\n\r\n');
  const head = stdout.slice(0, split);
  return {
    status: Number(/^HTTP\/[\d.]+ (\d+)/.exec(head)?.[1]),
    headers: head.toLowerCase(),
    body: stdout.slice(split + 4),
  };
}

test('with users configured, the console asks for a login and works with it', async (t) => {
  const users = new Map([
    ['alice', 'pa:ss word'],
    ['bob', 'hunter2'],
  ]);
  const f = await startConsoleFixture(t, { basicAuthUsers: users });
  const base = f.console.url;
  for (const path of ['/', '/topics', '/assets/console.css']) {
    const anonymous = await curl(base + path);
    assert.equal(anonymous.status, 401, path);
    assert.match(anonymous.headers, /www-authenticate: basic realm="rivulet console"/);
    assert.equal((await curl(base + path, ['-u', 'alice:wrong'])).status, 401, path);
    assert.equal((await curl(base + path, ['-u', 'carol:hunter2'])).status, 401, path);
  }
  const page = await curl(`${base}/`, ['-u', 'alice:pa:ss word']);
  assert.equal(page.status, 200);
  assert.match(textOf(page.body), /Controller broker \d+/);
  assert.equal((await curl(`${base}/assets/console.css`, ['-u', 'bob:hunter2'])).status, 200);
  // A form without the login changes nothing; with it, the topic is made.
  const form = ['--data-urlencode', 'name=guarded', '--data-urlencode', 'partitions=2'];
  assert.equal((await curl(`${base}/topics`, form)).status, 401);
  assert.deepEqual(await f.admin.listTopics(), []);
  const created = await curl(`${base}/topics`, [...form, '-u', 'bob:hunter2']);
  assert.equal(created.status, 303);
  assert.deepEqual(await f.admin.listTopics(), ['guarded']);
});

test('a users file has one user:password per line, with comments and blank lines', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rivulet-console-users-'));
  try {
    const file = join(dir, 'users');
    writeFileSync(file, '# console users\nalice:a:b\n\n  bob:secret  \n');
    assert.deepEqual(
      [...readBasicAuthUsers(file)],
      [
        ['alice', 'a:b'],
        ['bob', 'secret'],
      ],
    );
    writeFileSync(file, 'alice\n');
    assert.throws(() => readBasicAuthUsers(file), /users:1: not user:password/);
    writeFileSync(file, '# nobody\n');
    assert.throws(() => readBasicAuthUsers(file), /no users/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
