// The timers the partition layer waits on (fetch max.wait.ms, acks=all timeout.ms), injected
// so tests can fire them instead of waiting.
export interface TimerScheduler {
  setTimeout(fn: () => void, ms: number): { cancel(): void };
}

export const systemTimers: TimerScheduler = {
  setTimeout(fn, ms) {
    const t = setTimeout(fn, ms);
    return { cancel: () => clearTimeout(t) };
  },
};
