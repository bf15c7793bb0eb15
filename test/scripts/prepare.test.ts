// `npm prepare` (scripts/prepare.mjs) builds only when a source is newer than the last build.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const PREPARE = join(ROOT, 'scripts', 'prepare.mjs');

/** A project folder whose tsconfig compiles src/*.ts into dist/ (typescript comes from ROOT). */
function project(): string {
  const dir = mkdtempSync(join(tmpdir(), 'rivulet-prepare-'));
  mkdirSync(join(dir, 'src'));
  writeFileSync(join(dir, 'src', 'a.ts'), 'export const a: number = 1;\n');
  writeFileSync(join(dir, 'package.json'), '{"type":"module"}\n');
  const options = {
    rootDir: '.',
    outDir: 'dist',
    incremental: true,
    tsBuildInfoFile: 'dist/.tsbuildinfo',
  };
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: options, include: ['src/**/*.ts'] }),
  );
  return dir;
}

function prepare(dir: string) {
  return spawnSync(process.execPath, [PREPARE], { cwd: dir, encoding: 'utf8' });
}

/** Sets a path's modification time `secondsAgo` in the past. */
function age(path: string, secondsAgo: number): void {
  const t = new Date(Date.now() - secondsAgo * 1000);
  utimesSync(path, t, t);
}

test('prepare builds a fresh clone, skips an up-to-date build and rebuilds after an edit', () => {
  const dir = project();
  try {
    const first = prepare(dir);
    assert.equal(first.status, 0, first.stderr + first.stdout);
    assert.doesNotMatch(first.stdout, /up to date/);
    assert.ok(existsSync(join(dir, 'dist', 'src', 'a.js')));

    for (const path of ['src/a.ts', 'src', 'tsconfig.json', 'package.json']) {
      age(join(dir, path), 60);
    }
    const second = prepare(dir);
    assert.equal(second.status, 0, second.stderr);
    assert.match(second.stdout, /dist\/ is up to date; skipping the build/);

    // An edit (here a new file, which also changes the folder's time) builds again.
    writeFileSync(join(dir, 'src', 'b.ts'), 'export const b: number = 2;\n');
    const third = prepare(dir);
    assert.equal(third.status, 0, third.stderr);
    assert.doesNotMatch(third.stdout, /up to date/);
    assert.ok(existsSync(join(dir, 'dist', 'src', 'b.js')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
