// The native compression libraries must stay unloaded until a batch uses their codec: loading
// them at import time slows `rivulet start` and raises idle memory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const INDEX = fileURLToPath(new URL('../../../src/index.js', import.meta.url));
const CODECS = fileURLToPath(
  new URL('../../../src/protocol/records/native-codecs.js', import.meta.url),
);

test('importing the package loads no compression library until a codec is asked for', () => {
  const script = `
    import { createRequire } from 'node:module';
    const require = createRequire(import.meta.url);
    const loaded = () => Object.keys(require.cache).filter((k) => /lz4-napi|snappy|@mongodb-js[\\\\/]zstd/.test(k)).length > 0;
    await import(${JSON.stringify(INDEX)});
    const before = loaded();
    (await import(${JSON.stringify(CODECS)})).lz4Codec();
    console.log(JSON.stringify({ before, after: loaded() }));`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8',
  });
  assert.deepEqual(JSON.parse(out), { before: false, after: true });
});
