// docs/rest-proxy.md's examples, run as they are written (curl and jq in bash, one session,
// REST set to a proxy started here), with what each prints checked.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startBroker, type Broker } from '../../src/index.js';
import { startSchemaRegistry, type RegistryServer } from '../../src/registry/index.js';
import { run } from '../interop/support/clients.js';
import { startBrokerAndProxy, type RestFixture } from './support/rest-fixture.js';

const DOC = fileURLToPath(new URL('../../../docs/rest-proxy.md', import.meta.url));
const MARK = '#### end of example';

let broker: Broker;
let registry: RegistryServer;
let f: RestFixture;
before(async () => {
  broker = await startBroker({ port: 0, config: { 'group.initial.rebalance.delay.ms': 0 } });
  registry = await startSchemaRegistry({ bootstrapServers: broker.bootstrap, port: 0 });
  f = await startBrokerAndProxy({ broker, proxyConfig: { 'schema.registry.url': registry.url } });
});
after(async () => {
  await f.close();
  await registry.close();
  await broker.close();
});

/** The ```sh blocks of the doc, in order. */
function shellBlocks(): string[] {
  const text = readFileSync(DOC, 'utf8');
  return [...text.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

test('the curl examples of docs/rest-proxy.md run and print what they say', async () => {
  const blocks = shellBlocks();
  assert.equal(blocks.length, 12);
  const script = [
    'set -e',
    `export REST=${f.proxy.url}`,
    ...blocks.map((b) => `${b}\necho '${MARK}'`),
  ].join('\n');
  const r = await run('bash', ['-c', script], { timeoutMs: 60_000 });
  assert.equal(r.code, 0, `bash exited ${r.code}:\n${r.stdout}\n${r.stderr}`);
  const out = r.stdout.split(`${MARK}\n`).map((o) => o.trim());
  assert.equal(out[0], f.clusterId);
  assert.deepEqual(JSON.parse(out[1]!), { topic_name: 'orders', partitions_count: 3 });
  assert.equal(out[2], '204\n86400000');
  assert.deepEqual(JSON.parse(out[3]!), { error_code: 200, partition_id: 0, offset: 0 });
  assert.equal(out[4], '{"error_code":200,"offset":1}\n{"error_code":200,"offset":2}');
  assert.equal(
    out[5],
    '[{"partition":0,"offset":3,"error_code":null,"error":null}]\n' +
      '[{"partition":0,"offset":4,"error_code":null,"error":null}]',
  );
  assert.deepEqual(out[6]!.split('\n'), [
    JSON.stringify({
      instance_id: 'reader-1',
      base_uri: `${f.proxy.url}/consumers/order-readers/instances/reader-1`,
    }),
    '204',
  ]);
  assert.equal(
    out[7],
    [
      '0 {"item":"book","qty":2}',
      '1 order-2',
      '2 order-3',
      '3 confluent',
      '4 {"item":"pen","qty":1}',
    ].join('\n'),
  );
  assert.equal(out[8], '204\n204');
  assert.deepEqual(JSON.parse(out[9]!), { max_lag: 0, total_lag: 0 });
  assert.deepEqual(JSON.parse(out[10]!), { error_code: 200, offset: 0, type: 'AVRO' });
  assert.deepEqual(out[11]!.split('\n'), [
    '[1,true]',
    '{"amount":5,"note":null}',
    '{"amount":7,"note":{"string":"tip"}}',
  ]);
});
