// The tools added after the first set are listed by `rivulet --help` and answer `--help`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from './run-cli.js';

const TOOLS = [
  'get-offsets',
  'delete-records',
  'log-dirs',
  'transactions',
  'broker-api-versions',
  'features',
  'cluster-id',
  'metadata-quorum',
  'verifiable-producer',
  'verifiable-consumer',
];

test('the new tools are in the help listing and print their own help', async () => {
  const listing = await runCli(['--help']);
  assert.equal(listing.code, 0);
  for (const tool of TOOLS) {
    assert.match(listing.stdout, new RegExp(`^  ${tool} +\\S`, 'm'), `${tool} is not listed`);
    const help = await runCli([tool, '--help']);
    assert.equal(help.code, 0, `${tool} --help: ${help.stderr}`);
    assert.match(help.stdout, new RegExp(`^Usage: rivulet ${tool} `), tool);
    // No --bootstrap-server (and, for most, a stray word): a command-line error.
    const noServer = await runCli([tool, 'describe']);
    assert.equal(noServer.code, 2, `${tool} without --bootstrap-server: ${noServer.stderr}`);
  }
});
