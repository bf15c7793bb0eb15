// Creating a data directory (log.dirs) with a clear message when it cannot be. Node's recursive
// mkdir loops forever on a parent that exists but refuses children with ENOENT (`/proc/nope`),
// so the missing components are made one at a time.
import { mkdir, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

export class DataDirError extends Error {
  constructor(
    readonly dir: string,
    problem: string,
  ) {
    super(`cannot use data directory ${dir}: ${problem}`);
    this.name = 'DataDirError';
  }
}

/** Makes `dir` and its missing parents; throws DataDirError saying why it cannot. */
export async function createDataDir(dir: string): Promise<string> {
  const target = resolve(dir);
  const missing: string[] = [];
  let at = target;
  for (;;) {
    const found = await stat(at).catch((err: NodeJS.ErrnoException) => err);
    if (!(found instanceof Error)) {
      if (!found.isDirectory()) {
        throw new DataDirError(dir, `${at} exists and is not a directory`);
      }
      break;
    }
    if (found.code !== 'ENOENT' && found.code !== 'ENOTDIR')
      throw new DataDirError(dir, `${at}: ${found.message}`);
    missing.push(at);
    const parent = dirname(at);
    if (parent === at) throw new DataDirError(dir, 'no existing parent directory');
    at = parent;
  }
  for (const path of missing.reverse()) {
    try {
      await mkdir(path);
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      if (e.code === 'EEXIST') continue;
      throw new DataDirError(dir, `cannot create ${path} (${e.code ?? e.message})`);
    }
  }
  return target;
}
