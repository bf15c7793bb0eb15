// One broker per data directory. Like Kafka's LogManager, a broker holds a `.lock` file in each
// log dir for as long as it runs. Node has no flock(2) in core, so the lock is a file created
// exclusively (link(2) of a fully written temporary file: never seen half written) naming its
// holder: pid, the process's start time (Linux) and a random token. A lock whose holder is no
// longer alive is stale and taken over, so a kill -9'd broker never blocks the next start.
// Why this and not an OS lock: docs/decisions/0002-data-dir-lock.md.
// Real randomness on purpose: the lock is shared with other processes on the same disk, so its
// token and temporary names must differ from theirs whatever a simulated environment draws.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { link, open, readFile, realpath, rename, unlink, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

export const LOCK_FILE_NAME = '.lock';

/** Directories locked by this process (a pid check cannot tell two brokers in one process apart). */
const heldInProcess = new Set<string>();

interface LockOwner {
  pid: number;
  /** Start time of the process in clock ticks since boot (/proc/<pid>/stat), when known. */
  startTime: string | null;
  token: string;
}

export class DataDirLockError extends Error {
  constructor(
    readonly dir: string,
    holderPid: number | null,
  ) {
    const holder = holderPid === null ? '' : ` It is held by process ${holderPid}.`;
    super(
      `Failed to acquire lock on file ${LOCK_FILE_NAME} in ${dir}. ` +
        `A Kafka instance in another process or thread is using this directory.${holder}`,
    );
    this.name = 'DataDirLockError';
  }
}

export interface DataDirLock {
  readonly dirs: readonly string[];
  /** Removes the lock files; safe to call twice. */
  release(): Promise<void>;
}

/**
 * Locks every directory (which must exist), or none: throws DataDirLockError naming the first
 * directory that another broker, in this process or another, holds.
 */
export async function lockDataDirs(dirs: readonly string[]): Promise<DataDirLock> {
  const taken: DirLock[] = [];
  try {
    for (const dir of dirs) taken.push(await lockOne(resolve(dir)));
  } catch (err) {
    await Promise.all(taken.map((l) => l.release()));
    throw err;
  }
  let released: Promise<void> | undefined;
  return {
    dirs: taken.map((l) => l.dir),
    release: () => (released ??= Promise.all(taken.map((l) => l.release())).then(() => {})),
  };
}

interface DirLock {
  dir: string;
  release(): Promise<void>;
}

async function lockOne(dir: string): Promise<DirLock> {
  // Keyed by the real path: two spellings of one directory (a symlink) are one directory.
  const key = await realpath(dir);
  // Checked and reserved in one step, so two startBroker calls racing in one process cannot
  // both pass.
  if (heldInProcess.has(key)) throw new DataDirLockError(dir, process.pid);
  heldInProcess.add(key);
  try {
    const owner: LockOwner = {
      pid: process.pid,
      startTime: processStartTime(process.pid),
      token: randomBytes(8).toString('hex'),
    };
    const text = JSON.stringify(owner) + '\n';
    const path = join(dir, LOCK_FILE_NAME);
    // A stale lock is replaced at most once; a second conflict means a live contender.
    for (let attempt = 0; ; attempt++) {
      if (await createExclusive(dir, path, text)) break;
      const current = await readOwner(path);
      if (current === 'gone') continue;
      if (current !== null && isAlive(current)) throw new DataDirLockError(dir, current.pid);
      if (attempt > 0) throw new DataDirLockError(dir, current?.pid ?? null);
      await takeOverStale(dir, path, current);
    }
    return {
      dir,
      release: async () => {
        if (!heldInProcess.has(key)) return;
        const current = await readOwner(path);
        if (current !== null && current !== 'gone' && current.token === owner.token) {
          await unlink(path).catch(() => {});
        }
        heldInProcess.delete(key);
      },
    };
  } catch (err) {
    heldInProcess.delete(key);
    throw err;
  }
}

/** Creates `path` holding `text` if it does not exist; false if it does. */
async function createExclusive(dir: string, path: string, text: string): Promise<boolean> {
  const temp = join(dir, `${LOCK_FILE_NAME}.${process.pid}.${randomBytes(4).toString('hex')}`);
  await writeFile(temp, text, { flag: 'wx' });
  try {
    await link(temp, path);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    // File systems without hard links: an exclusive create (a crash between create and write
    // leaves an empty file, which counts as stale).
    if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP') {
      return createWithOpen(path, text);
    }
    throw err;
  } finally {
    await unlink(temp).catch(() => {});
  }
}

async function createWithOpen(path: string, text: string): Promise<boolean> {
  let handle;
  try {
    handle = await open(path, 'wx');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  try {
    await handle.writeFile(text);
  } finally {
    await handle.close();
  }
  return true;
}

/** The holder named in the lock file; null if unreadable or garbled; 'gone' if absent. */
async function readOwner(path: string): Promise<LockOwner | null | 'gone'> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    throw err;
  }
  try {
    const parsed = JSON.parse(text) as Partial<LockOwner>;
    if (typeof parsed.pid !== 'number' || typeof parsed.token !== 'string') return null;
    return { pid: parsed.pid, startTime: parsed.startTime ?? null, token: parsed.token };
  } catch {
    // Kafka's own .lock is empty: a directory last used by Kafka is free once Kafka is gone,
    // and Kafka holds an OS lock Rivulet cannot see. Treated as stale.
    return null;
  }
}

/**
 * Moves the stale lock aside and checks that what moved is the stale lock judged dead (not a
 * live lock another process created meanwhile); if it is not, puts it back.
 */
async function takeOverStale(dir: string, path: string, stale: LockOwner | null): Promise<void> {
  const aside = join(
    dir,
    `${LOCK_FILE_NAME}.stale.${process.pid}.${randomBytes(4).toString('hex')}`,
  );
  try {
    await rename(path, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  const moved = await readOwner(aside);
  const sameStale =
    moved === 'gone' ||
    (stale === null ? moved === null : moved !== null && moved.token === stale.token);
  if (!sameStale) await link(aside, path).catch(() => {});
  await unlink(aside).catch(() => {});
}

/** Whether the process that wrote the lock still runs. Our own pid is not us unless held. */
function isAlive(owner: LockOwner): boolean {
  // Same pid as this process but not in heldInProcess: a previous process (a container's pid 1).
  if (owner.pid === process.pid) return false;
  if (!Number.isInteger(owner.pid) || owner.pid <= 0) return false;
  try {
    process.kill(owner.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  // A recycled pid: a different process now carries it.
  const start = processStartTime(owner.pid);
  if (owner.startTime !== null && start !== null && start !== owner.startTime) return false;
  return true;
}

/** Field 22 of /proc/<pid>/stat (start time since boot), or null where there is no /proc. */
function processStartTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count from the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19] ?? null;
  } catch {
    return null;
  }
}
