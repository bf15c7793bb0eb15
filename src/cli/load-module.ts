// Loading a command's module graph. `rivulet start` loads ~180 modules before it can listen;
// the asynchronous ES module loader spends a few promise round trips and an asynchronous file
// read on each of them, where loading the same graph synchronously through require() (ES
// modules without top-level await, Node >= 20.19 and >= 22.12) takes ~20-30% less time. The
// modules are the same instances either way: a later import() of one of them gets the
// module require() loaded.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** Whether this Node can require() ES modules (`process.features.require_module`). */
function canRequireModules(): boolean {
  return (process.features as { require_module?: boolean }).require_module === true;
}

/** Loads `specifier` (relative to src/cli/), synchronously where the runtime can. */
export async function loadModule<T>(specifier: string): Promise<T> {
  if (canRequireModules()) {
    try {
      return require(specifier) as T;
    } catch (err) {
      // A module of the graph awaits at its top level: only import() can load it.
      if ((err as NodeJS.ErrnoException).code !== 'ERR_REQUIRE_ASYNC_MODULE') throw err;
    }
  }
  return (await import(specifier)) as T;
}
