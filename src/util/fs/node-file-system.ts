// The real FileSystem, over node:fs. Open files hold a descriptor only while they are in use:
// at most `maxOpenFiles` descriptors stay open (log.max.open.files), the least recently used
// idle one is closed when another file needs one, and a file whose descriptor was closed opens
// again on its next use. So a broker with 10,000 partitions runs under `ulimit -n 1024`, and
// loading a log that nobody reads opens nothing at all.
import {
  close as closeCb,
  closeSync,
  constants,
  fstat as fstatCb,
  fsync as fsyncCb,
  ftruncate as ftruncateCb,
  open as openCb,
  openSync,
  promises as fsp,
  read as readCb,
  readFileSync,
  readSync,
  writev as writevCb,
  writevSync,
} from 'node:fs';
import { promisify } from 'node:util';
import type { FileHandle, FileStat, FileSystem } from './file-system.js';

const openAsync = promisify(openCb);
const closeAsync = promisify(closeCb);
const fstatAsync = promisify(fstatCb);
const fsyncAsync = promisify(fsyncCb);
const ftruncateAsync = promisify(ftruncateCb);
const readAsync = (fd: number, buf: Buffer, offset: number, length: number, position: number) =>
  new Promise<number>((resolve, reject) =>
    readCb(fd, buf, offset, length, position, (err, n) => (err ? reject(err) : resolve(n))),
  );
const writevAsync = (fd: number, buffers: Buffer[], position: number) =>
  new Promise<number>((resolve, reject) =>
    writevCb(fd, buffers, position, (err, n) => (err ? reject(err) : resolve(n))),
  );

/** Kafka has no such limit (it keeps every segment open); 1000 fits the common default of 1024. */
export const DEFAULT_MAX_OPEN_FILES = 1000;

export interface NodeFileSystemOptions {
  /**
   * Most descriptors kept open at once (log.max.open.files). Files in use beyond it stay open
   * until their operation ends. Default {@link DEFAULT_MAX_OPEN_FILES}, and never more than
   * half of the process's own limit (`ulimit -n`), which sockets and everything else share.
   */
  maxOpenFiles?: number;
}

/** The process's soft limit on open files (Linux), or null when it cannot be read. */
export function openFilesLimit(): number | null {
  try {
    const limits = readFileSync('/proc/self/limits', 'utf8');
    const m = /^Max open files\s+(\d+|unlimited)/m.exec(limits);
    if (m === null || m[1] === 'unlimited') return null;
    return Number(m[1]);
  } catch {
    return null;
  }
}

/** The descriptor cap to use for `configured` (0 or less: the default). */
export function effectiveMaxOpenFiles(configured: number | undefined): number {
  const wanted = configured !== undefined && configured > 0 ? configured : DEFAULT_MAX_OPEN_FILES;
  const limit = openFilesLimit();
  return Math.max(1, limit === null ? wanted : Math.min(wanted, Math.floor(limit / 2)));
}

function closedError(op: string, path: string): Error {
  return Object.assign(new Error(`EBADF: file closed, ${op} ${path}`), { code: 'EBADF' });
}

class NodeFileHandle implements FileHandle {
  /** The open descriptor, or -1 while the file holds none. */
  fd = -1;
  /** Operations under way; the descriptor is not closed under them. */
  pins = 0;
  closed = false;
  private opening: Promise<number> | null = null;
  private idle: (() => void) | null = null;

  constructor(
    private readonly files: NodeFileSystem,
    public path: string,
    /** Flags for opening again: never O_CREAT (a file deleted meanwhile stays deleted). */
    readonly flags: number,
  ) {}

  /** Runs `op` with an open descriptor, pinned so it cannot be closed under the operation. */
  private async use<T>(name: string, op: (fd: number) => Promise<T>): Promise<T> {
    if (this.closed) throw closedError(name, this.path);
    this.pins++;
    try {
      const fd = this.fd >= 0 ? this.files.touch(this) : await this.reopen();
      return await op(fd);
    } finally {
      this.unpin();
    }
  }

  /** The same for a synchronous call. */
  private useSync<T>(name: string, op: (fd: number) => T): T {
    if (this.closed) throw closedError(name, this.path);
    this.pins++;
    try {
      if (this.fd < 0) {
        const open = (): number => openSync(this.path, this.flags);
        let fd: number;
        try {
          fd = open();
        } catch (err) {
          fd = this.files.retryAfterEmfile(err, open);
        }
        this.files.adopt(this, fd);
      } else this.files.touch(this);
      return op(this.fd);
    } finally {
      this.unpin();
    }
  }

  private reopen(): Promise<number> {
    this.opening ??= (async () => {
      // Over the cap with every descriptor busy: wait for one to come free rather than open
      // past it (a fetch of thousands of partitions reads them all at once).
      await this.files.slot();
      let fd: number;
      try {
        fd = await openAsync(this.path, this.flags);
      } catch (err) {
        fd = this.files.retryAfterEmfile(err, () => openSync(this.path, this.flags));
      }
      // A synchronous call may have opened it meanwhile; keep one descriptor.
      if (this.fd >= 0) {
        closeCb(fd, () => undefined);
        return this.fd;
      }
      this.files.adopt(this, fd);
      return fd;
    })().finally(() => {
      this.opening = null;
    });
    return this.opening;
  }

  private unpin(): void {
    this.pins--;
    if (this.pins > 0) return;
    if (this.idle !== null) this.idle();
    this.files.idled();
  }

  async read(buf: Buffer, offset: number, length: number, position: number): Promise<number> {
    return this.use('read', async (fd) => {
      let total = 0;
      // A positional read may return short (e.g. on some file systems); keep going until EOF.
      while (total < length) {
        const n = await readAsync(fd, buf, offset + total, length - total, position + total);
        if (n === 0) break;
        total += n;
      }
      return total;
    });
  }

  readSync(buf: Buffer, offset: number, length: number, position: number): number {
    return this.useSync('read', (fd) => {
      let total = 0;
      while (total < length) {
        const n = readSync(fd, buf, offset + total, length - total, position + total);
        if (n === 0) break;
        total += n;
      }
      return total;
    });
  }

  writev(buffers: readonly Buffer[], position: number): Promise<void> {
    return this.use('write', async (fd) => {
      let pending = buffers.filter((b) => b.length > 0);
      let pos = position;
      while (pending.length > 0) {
        const written = await writevAsync(fd, pending, pos);
        pos += written;
        pending = skipBytes(pending, written).filter((b) => b.length > 0);
      }
    });
  }

  writevSync(buffers: readonly Buffer[], position: number): void {
    this.useSync('write', (fd) => {
      let pending = buffers as Buffer[];
      let pos = position;
      for (;;) {
        let total = 0;
        for (const b of pending) total += b.length;
        if (total === 0) return;
        const written = writevSync(fd, pending, pos);
        if (written === total) return;
        pos += written;
        pending = skipBytes(pending, written).filter((b) => b.length > 0);
      }
    });
  }

  // fsync makes the file's data durable whichever descriptor it goes through, so a file whose
  // descriptor was closed after its writes is synced through a new one.
  sync(): Promise<void> {
    return this.use('sync', (fd) => fsyncAsync(fd));
  }
  truncate(size: number): Promise<void> {
    return this.use('truncate', (fd) => ftruncateAsync(fd, size));
  }
  size(): Promise<number> {
    return this.use('stat', async (fd) => (await fstatAsync(fd)).size);
  }

  /** Waits for the operations under way, then gives the descriptor back. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.opening !== null) await this.opening.catch(() => undefined);
    if (this.pins > 0) await new Promise<void>((resolve) => (this.idle = resolve));
    await this.files.release(this);
  }
}

/** The buffers left after the first `n` bytes were written (short writes are rare but legal). */
function skipBytes(buffers: Buffer[], n: number): Buffer[] {
  let i = 0;
  let left = n;
  while (i < buffers.length && left >= buffers[i]!.length) left -= buffers[i++]!.length;
  const rest = buffers.slice(i);
  if (rest.length > 0 && left > 0) rest[0] = rest[0]!.subarray(left);
  return rest;
}

/**
 * A whole file in three system calls (open, read, close) for the small files a partition keeps
 * beside its segments; fs.promises.readFile adds an fstat and a FileHandle per call, which
 * shows when a broker opens thousands of partitions.
 */
async function readWholeFile(path: string): Promise<Buffer> {
  const fd = await openAsync(path, constants.O_RDONLY);
  try {
    const chunks: Buffer[] = [];
    let chunkBytes = 2 * 1024;
    for (;;) {
      const buf = Buffer.allocUnsafe(chunkBytes);
      const n = await readAsync(fd, buf, 0, buf.length, -1);
      if (n > 0) chunks.push(buf.subarray(0, n));
      // A short read of a regular file is its end; a full one may have more behind it.
      if (n < buf.length) break;
      chunkBytes = Math.min(chunkBytes * 4, 16 * 1024 * 1024);
    }
    return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
  } finally {
    await closeAsync(fd);
  }
}

function isNotFound(err: unknown): boolean {
  return (err as NodeJS.ErrnoException).code === 'ENOENT';
}

function isTooManyOpen(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'EMFILE' || code === 'ENFILE';
}

export class NodeFileSystem implements FileSystem {
  readonly maxOpenFiles: number;
  /** Handles holding a descriptor, least recently used first (a Map keeps insertion order). */
  private readonly open_ = new Map<NodeFileHandle, true>();
  /** Every handle not closed by its owner, so renames can follow them. */
  private readonly handles = new Set<NodeFileHandle>();
  /** Openings waiting for a descriptor to come free. */
  private readonly waiters: (() => void)[] = [];

  constructor(options: NodeFileSystemOptions = {}) {
    this.maxOpenFiles = effectiveMaxOpenFiles(options.maxOpenFiles);
  }

  /** Descriptors this file system holds open right now. */
  get openDescriptors(): number {
    return this.open_.size;
  }

  /** @internal Resolves once a descriptor may be opened without passing the cap. */
  slot(): Promise<void> {
    this.evict(this.maxOpenFiles - 1);
    if (this.open_.size < this.maxOpenFiles) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** @internal A handle's operations ended (or it closed): a waiter may take its place. */
  idled(): void {
    while (this.waiters.length > 0) {
      this.evict(this.maxOpenFiles - 1);
      if (this.open_.size >= this.maxOpenFiles) return;
      this.waiters.shift()!();
    }
  }

  /** @internal Marks a handle as just used; returns its descriptor. */
  touch(handle: NodeFileHandle): number {
    this.open_.delete(handle);
    this.open_.set(handle, true);
    return handle.fd;
  }

  /** @internal A handle got a descriptor: count it and close idle ones over the cap. */
  adopt(handle: NodeFileHandle, fd: number): void {
    handle.fd = fd;
    this.open_.set(handle, true);
    this.evict(this.maxOpenFiles);
  }

  /** @internal The owner closed the handle. */
  async release(handle: NodeFileHandle): Promise<void> {
    this.handles.delete(handle);
    this.open_.delete(handle);
    const fd = handle.fd;
    handle.fd = -1;
    if (fd >= 0) await closeAsync(fd);
    this.idled();
  }

  /** Closes the least recently used idle descriptors until at most `keep` stay open. */
  private evict(keep: number): void {
    if (this.open_.size <= keep) return;
    for (const h of this.open_.keys()) {
      if (this.open_.size <= keep) break;
      if (h.pins > 0) continue;
      this.open_.delete(h);
      const fd = h.fd;
      h.fd = -1;
      // Closed at once, on this thread: a close queued behind thousands of synchronous
      // appends in one turn would still hold its descriptor when the next open needs it.
      try {
        closeSync(fd);
      } catch {
        // An idle descriptor: its writes are in the page cache, and a later fsync through
        // another descriptor reports any write-back error.
      }
    }
  }

  /**
   * @internal After EMFILE (the process's limit is reached by files and sockets together),
   * closes half of the idle descriptors and tries once more.
   */
  retryAfterEmfile<T>(err: unknown, again: () => T): T {
    if (!isTooManyOpen(err) || this.open_.size === 0) throw err;
    this.evict(Math.floor(this.open_.size / 2));
    return again();
  }

  async open(
    path: string,
    options: { create?: boolean; readOnly?: boolean; lazy?: boolean } = {},
  ): Promise<FileHandle> {
    const base = options.readOnly ? constants.O_RDONLY : constants.O_RDWR;
    const flags = base | (options.create ? constants.O_CREAT : 0);
    if (options.lazy === true && options.create !== true) {
      const handle = new NodeFileHandle(this, path, base);
      this.handles.add(handle);
      return handle;
    }
    let fd: number;
    try {
      fd = await openAsync(path, flags, 0o644);
    } catch (err) {
      fd = this.retryAfterEmfile(err, () => openSync(path, flags, 0o644));
    }
    const handle = new NodeFileHandle(this, path, base);
    this.handles.add(handle);
    this.adopt(handle, fd);
    return handle;
  }

  async readFile(path: string): Promise<Buffer | null> {
    try {
      return await readWholeFile(path);
    } catch (err) {
      if (isNotFound(err)) return null;
      if (!isTooManyOpen(err) || this.open_.size === 0) throw err;
      this.evict(Math.floor(this.open_.size / 2));
      return this.readFile(path);
    }
  }

  async stat(path: string): Promise<FileStat | null> {
    try {
      const s = await fsp.stat(path);
      return { size: s.size, isDirectory: s.isDirectory() };
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  readdir(path: string): Promise<string[]> {
    return fsp.readdir(path);
  }
  async mkdir(path: string): Promise<void> {
    await fsp.mkdir(path, { recursive: true });
  }
  async rename(from: string, to: string): Promise<void> {
    await fsp.rename(from, to);
    // Handles of the renamed file (or of files in a renamed folder) open the new path later.
    const prefix = from + '/';
    for (const h of this.handles) {
      if (h.path === from) h.path = to;
      else if (h.path.startsWith(prefix)) h.path = to + h.path.slice(from.length);
    }
  }
  async unlink(path: string): Promise<boolean> {
    try {
      await fsp.unlink(path);
      return true;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
  }
  rmdir(path: string): Promise<void> {
    return fsp.rm(path, { recursive: true, force: true });
  }
  async syncDir(path: string): Promise<void> {
    const fd = await openAsync(path, constants.O_RDONLY);
    try {
      await fsyncAsync(fd);
    } finally {
      await closeAsync(fd);
    }
  }
}
