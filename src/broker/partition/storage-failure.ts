// Which errors from a partition log are disk failures, answered as KAFKA_STORAGE_ERROR for the
// partition concerned, rather than bugs that must surface.
import { LogStorageError } from '../../storage/index.js';

export function isStorageFailure(err: unknown): boolean {
  if (err instanceof LogStorageError) return true;
  // Node's system errors (ENOSPC, EIO, ...) name the failed call; assertion errors do not.
  return err instanceof Error && typeof (err as NodeJS.ErrnoException).syscall === 'string';
}
