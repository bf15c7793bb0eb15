// The seam between the log and the disk. Everything storage does to files goes through this
// interface, so tests can swap in MemoryFileSystem, which fails writes on demand and simulates a
// power cut at any byte. Positions and sizes are byte counts (JS numbers).

/** An open file. All reads and writes are positional; there is no shared file cursor. */
export interface FileHandle {
  readonly path: string;
  /** Reads up to `length` bytes at `position` into `buf[offset..]`; returns the bytes read. */
  read(buf: Buffer, offset: number, length: number, position: number): Promise<number>;
  /**
   * The same read, done on the calling thread: for reads the page cache serves, cheaper than
   * a hop through the thread pool. It fails (throws) exactly where read rejects.
   */
  readSync(buf: Buffer, offset: number, length: number, position: number): number;
  /** Writes all `buffers` back to back at `position` with one vectored write. */
  writev(buffers: readonly Buffer[], position: number): Promise<void>;
  /**
   * The same write, done on the calling thread. For small appends to the page cache this is
   * cheaper than a hop through the thread pool; it fails (throws) exactly where writev rejects.
   */
  writevSync(buffers: readonly Buffer[], position: number): void;
  /** Makes every write so far durable (fsync). */
  sync(): Promise<void>;
  truncate(size: number): Promise<void>;
  size(): Promise<number>;
  close(): Promise<void>;
}

export interface FileStat {
  size: number;
  isDirectory: boolean;
}

/**
 * A file system. Operations on missing paths that callers routinely expect (stat, readFile,
 * unlink of a missing file) return null/false rather than throwing; real I/O errors throw.
 */
export interface FileSystem {
  /**
   * Opens a file for reading and writing, creating it when `create` is set. With `lazy` (an
   * existing file) a file system may wait for the first operation to take a descriptor.
   */
  open(
    path: string,
    options?: { create?: boolean; readOnly?: boolean; lazy?: boolean },
  ): Promise<FileHandle>;
  /** Whole file contents, or null when the file does not exist. */
  readFile(path: string): Promise<Buffer | null>;
  stat(path: string): Promise<FileStat | null>;
  readdir(path: string): Promise<string[]>;
  mkdir(path: string): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  /** Removes a file; returns false when it did not exist. */
  unlink(path: string): Promise<boolean>;
  /** Removes a directory and everything in it. */
  rmdir(path: string): Promise<void>;
  /** Makes the directory's entries (created, renamed, removed files) durable. */
  syncDir(path: string): Promise<void>;
}

/** Joins path parts with '/', the separator every supported platform accepts. */
