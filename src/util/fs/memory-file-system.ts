// An in-memory FileSystem for tests, with fault injection. Every file keeps the contents that
// were made durable by its last fsync plus the list of writes since then; `crash()` returns the
// disk as a restarted machine would see it: the durable contents, then a prefix of the later
// writes (possibly none), the last one possibly torn at any byte. Directory operations (create,
// rename, unlink) are durable at once, a simplification that still catches a missing fsync
// before a rename: the renamed file's unflushed data can vanish.
import type { FileHandle, FileStat, FileSystem } from './file-system.js';

type PendingOp =
  { kind: 'write'; position: number; bytes: Buffer } | { kind: 'truncate'; size: number };

class MemFile {
  data: Buffer;
  length: number;
  durable: Buffer;
  pending: PendingOp[] = [];

  constructor(contents: Buffer = Buffer.alloc(0)) {
    this.data = Buffer.from(contents);
    this.length = contents.length;
    this.durable = Buffer.from(contents);
  }

  contents(): Buffer {
    return this.data.subarray(0, this.length);
  }

  write(bytes: Buffer, position: number): void {
    const end = position + bytes.length;
    if (end > this.data.length) {
      const grown = Buffer.alloc(Math.max(end, this.data.length * 2, 4096));
      this.data.copy(grown, 0, 0, this.length);
      this.data = grown;
    }
    if (position > this.length) this.data.fill(0, this.length, position);
    bytes.copy(this.data, position);
    this.length = Math.max(this.length, end);
  }

  truncate(size: number): void {
    if (size > this.length) this.write(Buffer.alloc(size - this.length), this.length);
    this.length = size;
  }
}

export type MemoryFsOp = 'open' | 'read' | 'writev' | 'sync' | 'truncate' | 'rename' | 'unlink';

/** The error every operation throws once the file system has crashed. */
export class CrashedError extends Error {
  readonly code = 'EIO';
  constructor() {
    super('file system crashed');
  }
}

function ioError(op: string, path: string): Error {
  return Object.assign(new Error(`injected I/O error: ${op} ${path}`), { code: 'EIO' });
}

/** What a full disk answers: Node's system error shape, with the failed call named. */
function noSpace(path: string): Error {
  return Object.assign(new Error(`ENOSPC: no space left on device, write '${path}'`), {
    code: 'ENOSPC',
    errno: -28,
    syscall: 'write',
  });
}

function notFound(path: string): Error {
  return Object.assign(new Error(`ENOENT: no such file or directory, '${path}'`), {
    code: 'ENOENT',
  });
}

function normalize(path: string): string {
  const p = path.replace(/\/+/g, '/');
  return p.length > 1 && p.endsWith('/') ? p.slice(0, -1) : p;
}

function parentOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

class MemHandle implements FileHandle {
  private closed = false;
  constructor(
    readonly path: string,
    private readonly file: MemFile,
    private readonly fs: MemoryFileSystem,
    private readonly readOnly: boolean,
  ) {}

  private check(op: MemoryFsOp): void {
    if (this.closed) throw Object.assign(new Error('file handle closed'), { code: 'EBADF' });
    this.fs.beforeOp(op, this.path);
  }

  async read(buf: Buffer, offset: number, length: number, position: number): Promise<number> {
    return this.readSync(buf, offset, length, position);
  }

  readSync(buf: Buffer, offset: number, length: number, position: number): number {
    this.check('read');
    const end = Math.min(this.file.length, position + length);
    if (end <= position) return 0;
    return this.file.data.copy(buf, offset, position, end);
  }

  async writev(buffers: readonly Buffer[], position: number): Promise<void> {
    this.writevSync(buffers, position);
  }

  writevSync(buffers: readonly Buffer[], position: number): void {
    this.check('writev');
    if (this.readOnly) throw Object.assign(new Error('read-only handle'), { code: 'EBADF' });
    const whole = buffers.length === 1 ? Buffer.from(buffers[0]!) : Buffer.concat(buffers);
    // A full disk writes what fits (as a real one does: a short write, then ENOSPC).
    const room = this.fs.roomFor(this.file, position, whole.length);
    const bytes = whole.subarray(0, room);
    const allowed = this.fs.consumeWriteBudget(bytes.length);
    const written = bytes.subarray(0, allowed);
    if (written.length > 0) {
      this.file.write(written, position);
      this.file.pending.push({ kind: 'write', position, bytes: written });
    }
    this.fs.bytesWritten += written.length;
    if (allowed < bytes.length) throw new CrashedError();
    if (room < whole.length) throw noSpace(this.path);
  }

  async sync(): Promise<void> {
    this.check('sync');
    this.file.durable = Buffer.from(this.file.contents());
    this.file.pending = [];
    this.fs.syncCount++;
  }

  async truncate(size: number): Promise<void> {
    this.check('truncate');
    this.file.truncate(size);
    this.file.pending.push({ kind: 'truncate', size });
  }

  async size(): Promise<number> {
    this.check('read');
    return this.file.length;
  }

  async close(): Promise<void> {
    if (!this.closed) this.fs.openHandles--;
    this.closed = true;
  }
}

export interface CrashOptions {
  /**
   * Chooses how much unflushed data survives: for each file, a prefix of its writes since the
   * last fsync, the last one torn at a random byte. Without it, all unflushed data is lost.
   */
  random?: () => number;
}

export class MemoryFileSystem implements FileSystem {
  private readonly files = new Map<string, MemFile>();
  private readonly dirs = new Set<string>(['/']);
  private readonly failures: { op: MemoryFsOp; match: (path: string) => boolean }[] = [];
  private writeBudget = Infinity;
  private capacityBytes = Infinity;
  private crashed = false;
  /** Counters for tests and benchmarks. */
  syncCount = 0;
  bytesWritten = 0;
  /** Handles opened and not yet closed (a leak shows up here). */
  openHandles = 0;

  /** Makes the next `op` on a path accepted by `match` throw an I/O error, with no effect. */
  failNext(op: MemoryFsOp, match: (path: string) => boolean = () => true): void {
    this.failures.push({ op, match });
  }

  /**
   * After `bytes` more bytes have been written, the write in progress is torn there and the
   * file system crashes: every later operation throws {@link CrashedError}.
   */
  crashAfterBytes(bytes: number): void {
    this.writeBudget = bytes;
  }

  /**
   * Makes the disk hold at most `bytes` bytes of file contents in all (Infinity: no limit).
   * A write that would pass it writes the part that fits and fails with ENOSPC, as a full disk
   * does; truncating or removing files makes room again. Growing a file with `truncate` is
   * not limited (a sparse file on a real disk takes no space either).
   */
  setCapacity(bytes: number): void {
    this.capacityBytes = bytes;
  }

  /** Bytes of file contents held now. */
  get usedBytes(): number {
    let total = 0;
    for (const file of this.files.values()) total += file.length;
    return total;
  }

  /** @internal Bytes of a write of `n` bytes at `position` of `file` that fit the capacity. */
  roomFor(file: MemFile, position: number, n: number): number {
    if (this.capacityBytes === Infinity) return n;
    const growth = Math.max(0, position + n - file.length);
    const free = Math.max(0, this.capacityBytes - this.usedBytes);
    if (growth <= free) return n;
    return Math.max(0, file.length + free - position);
  }

  get isCrashed(): boolean {
    return this.crashed;
  }

  /** Crashes this file system and returns the disk as seen after a restart. */
  crash(options: CrashOptions = {}): MemoryFileSystem {
    this.crashed = true;
    const next = new MemoryFileSystem();
    for (const dir of this.dirs) next.dirs.add(dir);
    for (const [path, file] of this.files) {
      next.files.set(path, new MemFile(survivingContents(file, options.random)));
    }
    return next;
  }

  /** @internal */
  beforeOp(op: MemoryFsOp, path: string): void {
    if (this.crashed) throw new CrashedError();
    const i = this.failures.findIndex((f) => f.op === op && f.match(path));
    if (i >= 0) {
      this.failures.splice(i, 1);
      throw ioError(op, path);
    }
  }

  /** @internal Bytes of a write of `n` bytes that land before the crash point. */
  consumeWriteBudget(n: number): number {
    if (n <= this.writeBudget) {
      this.writeBudget -= n;
      return n;
    }
    const allowed = this.writeBudget;
    this.writeBudget = 0;
    this.crashed = true;
    return allowed;
  }

  async open(
    path: string,
    options: { create?: boolean; readOnly?: boolean } = {},
  ): Promise<FileHandle> {
    const p = normalize(path);
    this.beforeOp('open', p);
    let file = this.files.get(p);
    if (!file) {
      if (!options.create || options.readOnly) throw notFound(p);
      if (!this.dirs.has(parentOf(p))) throw notFound(p);
      file = new MemFile();
      this.files.set(p, file);
    }
    this.openHandles++;
    return new MemHandle(p, file, this, options.readOnly === true);
  }

  async readFile(path: string): Promise<Buffer | null> {
    const p = normalize(path);
    this.beforeOp('read', p);
    const file = this.files.get(p);
    return file ? Buffer.from(file.contents()) : null;
  }

  async stat(path: string): Promise<FileStat | null> {
    const p = normalize(path);
    if (this.crashed) throw new CrashedError();
    if (this.dirs.has(p)) return { size: 0, isDirectory: true };
    const file = this.files.get(p);
    return file ? { size: file.length, isDirectory: false } : null;
  }

  async readdir(path: string): Promise<string[]> {
    const p = normalize(path);
    if (this.crashed) throw new CrashedError();
    if (!this.dirs.has(p)) throw notFound(p);
    const names: string[] = [];
    for (const key of [...this.dirs, ...this.files.keys()]) {
      if (key !== p && parentOf(key) === p) names.push(key.slice(p === '/' ? 1 : p.length + 1));
    }
    return names.sort();
  }

  async mkdir(path: string): Promise<void> {
    if (this.crashed) throw new CrashedError();
    let p = normalize(path);
    while (!this.dirs.has(p)) {
      this.dirs.add(p);
      p = parentOf(p);
    }
  }

  async rename(from: string, to: string): Promise<void> {
    const f = normalize(from);
    const t = normalize(to);
    this.beforeOp('rename', f);
    const file = this.files.get(f);
    if (file) {
      if (!this.dirs.has(parentOf(t))) throw notFound(t);
      this.files.delete(f);
      this.files.set(t, file);
      return;
    }
    if (!this.dirs.has(f)) throw notFound(f);
    for (const d of [...this.dirs]) {
      if (d === f || d.startsWith(f + '/')) {
        this.dirs.delete(d);
        this.dirs.add(t + d.slice(f.length));
      }
    }
    for (const [k, v] of [...this.files]) {
      if (k.startsWith(f + '/')) {
        this.files.delete(k);
        this.files.set(t + k.slice(f.length), v);
      }
    }
  }

  async unlink(path: string): Promise<boolean> {
    const p = normalize(path);
    this.beforeOp('unlink', p);
    return this.files.delete(p);
  }

  async rmdir(path: string): Promise<void> {
    const p = normalize(path);
    if (this.crashed) throw new CrashedError();
    for (const d of [...this.dirs]) if (d === p || d.startsWith(p + '/')) this.dirs.delete(d);
    for (const k of [...this.files.keys()]) if (k.startsWith(p + '/')) this.files.delete(k);
  }

  async syncDir(path: string): Promise<void> {
    this.beforeOp('sync', normalize(path));
  }

  /** Test helper: the current contents of a file, or null. */
  peek(path: string): Buffer | null {
    const file = this.files.get(normalize(path));
    return file ? Buffer.from(file.contents()) : null;
  }

  /** Test helper: overwrite bytes of a file in place (durably), e.g. to corrupt it. */
  poke(path: string, position: number, bytes: Buffer): void {
    const file = this.files.get(normalize(path));
    if (!file) throw notFound(path);
    file.write(bytes, position);
    file.durable = Buffer.from(file.contents());
  }
}

function survivingContents(file: MemFile, random: (() => number) | undefined): Buffer {
  if (!random || file.pending.length === 0) return file.durable;
  const survivor = new MemFile(file.durable);
  const kept = Math.floor(random() * (file.pending.length + 1));
  for (let i = 0; i < kept; i++) {
    const op = file.pending[i]!;
    const last = i === kept - 1;
    if (op.kind === 'truncate') survivor.truncate(op.size);
    else if (!last) survivor.write(op.bytes, op.position);
    else
      survivor.write(
        op.bytes.subarray(0, Math.floor(random() * (op.bytes.length + 1))),
        op.position,
      );
  }
  return Buffer.from(survivor.contents());
}
