// Bounded waits for tests. A test that waits for an event fails, after a generous bound, with a
// message saying what it was waiting for, instead of hanging the run until someone kills it.
// The bounds are far above what a healthy run takes: they catch hangs, they do not time code.
import { setTimeout as delay } from 'node:timers/promises';

export const WAIT_TIMEOUT_MS = 30_000;

export interface WaitOptions {
  timeoutMs?: number;
  /** Time between two checks. */
  intervalMs?: number;
}

/** Checks `check` until it holds; fails with `timed out … waiting for <what>` after the bound. */
export async function waitFor(
  what: string,
  check: () => boolean | Promise<boolean>,
  options: WaitOptions = {},
): Promise<void> {
  const timeoutMs = options.timeoutMs ?? WAIT_TIMEOUT_MS;
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await delay(options.intervalMs ?? 10);
  }
}

/** `promise`, or a failure naming `what` if it has not settled within the bound. */
export async function within<T>(
  what: string,
  promise: Promise<T>,
  timeoutMs = WAIT_TIMEOUT_MS,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([promise, bound]);
  } finally {
    clearTimeout(timer);
  }
}
