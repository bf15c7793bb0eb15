// Helpers over the FileSystem seam (src/util/fs/file-system.ts): paths, atomic and new-file
// writes. The interface itself lives in util so that the Environment can hold it.
import type { FileSystem } from '../../util/fs/file-system.js';

export type { FileHandle, FileStat, FileSystem } from '../../util/fs/file-system.js';

export function joinPath(...parts: string[]): string {
  return parts.join('/').replace(/\/+/g, '/');
}

/**
 * Replaces the file at `path` atomically: write a temporary file, fsync it, rename it over the
 * old one and fsync the directory, so a crash leaves either the old or the new contents.
 * With `sync: false` both fsyncs are left out: readers never see a half-written file, but a
 * crash may lose the new contents (for files a restart can rebuild or does not need).
 */
export async function writeFileAtomic(
  fs: FileSystem,
  path: string,
  data: Buffer,
  options: { sync?: boolean } = {},
): Promise<void> {
  const sync = options.sync ?? true;
  const tmp = `${path}.tmp`;
  const handle = await fs.open(tmp, { create: true });
  let written = false;
  try {
    await handle.truncate(0);
    await handle.writev([data], 0);
    if (sync) await handle.sync();
    written = true;
  } finally {
    await handle.close();
    // A full disk: give back what the partial file took; the old file stays in place.
    if (!written) await fs.unlink(tmp).catch(() => false);
  }
  await fs.rename(tmp, path);
  if (sync) await fs.syncDir(dirName(path));
}

/**
 * Writes a file into a folder this process has just made (nobody reads it yet), without the
 * temporary file, rename or fsyncs of {@link writeFileAtomic}: for the small files of a new,
 * empty partition log, which a restart rewrites if a crash tore them.
 */
export async function writeNewFile(fs: FileSystem, path: string, data: Buffer): Promise<void> {
  const handle = await fs.open(path, { create: true });
  try {
    await handle.writev([data], 0);
  } finally {
    await handle.close();
  }
}

export function dirName(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? (i === 0 ? '/' : '.') : path.slice(0, i);
}

export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
