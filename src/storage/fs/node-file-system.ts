// The real FileSystem, over node:fs/promises.
import { promises as fsp, constants, readSync, writevSync } from 'node:fs';
import type { FileHandle, FileStat, FileSystem } from './file-system.js';

class NodeFileHandle implements FileHandle {
  constructor(
    readonly path: string,
    private readonly handle: fsp.FileHandle,
  ) {}

  async read(buf: Buffer, offset: number, length: number, position: number): Promise<number> {
    let total = 0;
    // A positional read may return short (e.g. on some file systems); keep going until EOF.
    while (total < length) {
      const { bytesRead } = await this.handle.read(
        buf,
        offset + total,
        length - total,
        position + total,
      );
      if (bytesRead === 0) break;
      total += bytesRead;
    }
    return total;
  }

  readSync(buf: Buffer, offset: number, length: number, position: number): number {
    const fd = this.openFd('read');
    let total = 0;
    while (total < length) {
      const n = readSync(fd, buf, offset + total, length - total, position + total);
      if (n === 0) break;
      total += n;
    }
    return total;
  }

  /** The descriptor for a synchronous call; a closed FileHandle reports -1. */
  private openFd(op: string): number {
    const fd = this.handle.fd;
    if (fd < 0) {
      throw Object.assign(new Error(`EBADF: file closed, ${op} ${this.path}`), { code: 'EBADF' });
    }
    return fd;
  }

  async writev(buffers: readonly Buffer[], position: number): Promise<void> {
    let total = 0;
    for (const b of buffers) total += b.length;
    const first = await this.handle.writev(buffers as Buffer[], position);
    if (first.bytesWritten === total) return;
    let pending = skipBytes(buffers.slice(), first.bytesWritten).filter((b) => b.length > 0);
    let pos = position + first.bytesWritten;
    while (pending.length > 0) {
      const { bytesWritten } = await this.handle.writev(pending, pos);
      pos += bytesWritten;
      pending = skipBytes(pending, bytesWritten);
    }
  }

  writevSync(buffers: readonly Buffer[], position: number): void {
    // A closed FileHandle reports fd -1; fail as the asynchronous write on it would.
    const fd = this.openFd('write');
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
  }

  sync(): Promise<void> {
    return this.handle.sync();
  }
  truncate(size: number): Promise<void> {
    return this.handle.truncate(size);
  }
  async size(): Promise<number> {
    return (await this.handle.stat()).size;
  }
  close(): Promise<void> {
    return this.handle.close();
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

function isNotFound(err: unknown): boolean {
  return (err as NodeJS.ErrnoException).code === 'ENOENT';
}

export class NodeFileSystem implements FileSystem {
  async open(
    path: string,
    options: { create?: boolean; readOnly?: boolean } = {},
  ): Promise<FileHandle> {
    const flags = options.readOnly
      ? constants.O_RDONLY
      : constants.O_RDWR | (options.create ? constants.O_CREAT : 0);
    return new NodeFileHandle(path, await fsp.open(path, flags, 0o644));
  }

  async readFile(path: string): Promise<Buffer | null> {
    try {
      return await fsp.readFile(path);
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
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
  rename(from: string, to: string): Promise<void> {
    return fsp.rename(from, to);
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
    const handle = await fsp.open(path, constants.O_RDONLY);
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  }
}
