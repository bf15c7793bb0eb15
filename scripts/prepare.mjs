#!/usr/bin/env node
// `npm prepare`: builds dist/ unless it is already up to date. npm runs prepare on every
// `npm install` of the folder and on the first `npx rivulet` in a clone; a no-op incremental
// tsc still costs about two seconds there, a look at the sources' times a few milliseconds.
// Up to date: dist/.tsbuildinfo is newer than every source file and directory (a deleted or
// renamed file changes its directory's time) under the compiled folders, tsconfig.json and
// package.json. Otherwise `tsc -p tsconfig.json`, exactly as `npm run build`.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync, utimesSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const BUILD_INFO = 'dist/.tsbuildinfo';
const SOURCE_DIRS = ['src', 'test', 'bench', 'scripts'];
const SOURCE_FILES = ['tsconfig.json', 'package.json'];

function newestMtime(path) {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    return 0;
  }
  let newest = stat.mtimeMs;
  if (stat.isDirectory()) {
    for (const name of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, name)));
  }
  return newest;
}

function builtAt() {
  try {
    return statSync(BUILD_INFO).mtimeMs;
  } catch {
    return null;
  }
}

const built = builtAt();
const sources = Math.max(...[...SOURCE_DIRS, ...SOURCE_FILES].map(newestMtime));
if (built !== null && built >= sources && process.env.RIVULET_FORCE_BUILD === undefined) {
  console.log('rivulet: dist/ is up to date; skipping the build');
  process.exit(0);
}
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.json'], { stdio: 'inherit' });
if (result.status !== 0) process.exit(result.status ?? 1);
// tsc leaves the build info alone when nothing changed: mark the check as done.
const now = new Date();
utimesSync(BUILD_INFO, now, now);
