// `rivulet console`: listed and with its own help, a command-line error without
// --bootstrap-server, and a console that serves the cluster until SIGTERM.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { startBroker } from '../../../src/index.js';
import { within } from '../../support/wait.js';
import { runCli } from './run-cli.js';

test('console is listed, prints its help, and wants --bootstrap-server', async () => {
  const listing = await runCli(['--help']);
  assert.match(listing.stdout, /^ {2}console +\S/m);
  const help = await runCli(['console', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /^Usage: rivulet console --bootstrap-server HOST:PORT/);
  const noServer = await runCli(['console']);
  assert.equal(noServer.code, 2);
  assert.match(noServer.stderr, /--bootstrap-server is required/);
  const badPort = await runCli(['console', '--bootstrap-server', 'x:1', '--port', 'eighty']);
  assert.equal(badPort.code, 2);
});

test('rivulet console serves the cluster and stops on SIGTERM', async (t) => {
  const broker = await startBroker();
  t.after(() => broker.close());
  const child = spawn(
    process.execPath,
    ['bin/rivulet.js', 'console', '--bootstrap-server', broker.bootstrap, '--port', '0'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  t.after(() => child.kill('SIGKILL'));
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = await within(
    'the console line',
    new Promise<string>((resolve, reject) => {
      child.stdout.on('data', () => {
        const m = /^Rivulet console at (http:\/\/\S+) /m.exec(stdout);
        if (m !== null) resolve(m[1]!);
      });
      void exited.then(() => reject(new Error(`exited early: ${stderr}`)));
    }),
  );
  const topics = await (await fetch(`${url}/topics`)).text();
  assert.match(topics, /<h1>Topics<\/h1>/);
  child.kill('SIGTERM');
  assert.equal(await exited, 0);
});

test('rivulet console --basic-auth asks for that login', async (t) => {
  const both = await runCli([
    'console',
    '--bootstrap-server',
    'x:1',
    '--basic-auth',
    'a:b',
    '--basic-auth-file',
    'users',
  ]);
  assert.equal(both.code, 2);
  const broker = await startBroker();
  t.after(() => broker.close());
  const args = ['--bootstrap-server', broker.bootstrap, '--port', '0', '--basic-auth', 'ops:pw'];
  const child = spawn(process.execPath, ['bin/rivulet.js', 'console', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  t.after(() => child.kill('SIGKILL'));
  let stdout = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = await within(
    'the console line',
    new Promise<string>((resolve, reject) => {
      child.stdout.on('data', () => {
        const m = /^Rivulet console at (http:\/\/\S+) /m.exec(stdout);
        if (m !== null) resolve(m[1]!);
      });
      void exited.then(() => reject(new Error('exited early')));
    }),
  );
  assert.equal((await fetch(`${url}/topics`)).status, 401);
  const login = `Basic ${Buffer.from('ops:pw').toString('base64')}`;
  const topics = await fetch(`${url}/topics`, { headers: { authorization: login } });
  assert.equal(topics.status, 200);
  assert.match(await topics.text(), /<h1>Topics<\/h1>/);
  child.kill('SIGTERM');
  assert.equal(await exited, 0);
});
