// buffer.memory: the bytes of records the producer holds until the broker has answered for
// them (Kafka's BufferPool). A send that does not fit waits, first come first served, until
// earlier records are answered, and fails with ERR_BUFFER_FULL after max.block.ms.
import { ClientError } from '../errors.js';

interface MemoryWaiter {
  sizeBytes: number;
  resolve(): void;
  timer: NodeJS.Timeout;
}

export class BufferMemory {
  readonly totalBytes: number;
  private readonly maxBlockMs: number;
  private usedBytes = 0;
  private waiters: MemoryWaiter[] = [];

  constructor(totalBytes: number, maxBlockMs: number) {
    this.totalBytes = totalBytes;
    this.maxBlockMs = maxBlockMs;
  }

  get availableBytes(): number {
    return Math.max(0, this.totalBytes - this.usedBytes);
  }

  /**
   * Takes `sizeBytes` if that needs no waiting. A record larger than the whole buffer still
   * goes through when nothing else is buffered, as in Kafka.
   */
  tryReserve(sizeBytes: number): boolean {
    const fits = this.usedBytes + sizeBytes <= this.totalBytes || this.usedBytes === 0;
    if (!fits || this.waiters.length > 0) return false;
    this.usedBytes += sizeBytes;
    return true;
  }

  /**
   * Takes `sizeBytes`, now (undefined) or once earlier records have been answered (a promise
   * that rejects after max.block.ms). `onWait` runs when the caller has to wait, so that the
   * buffered records can be sent and free their space.
   */
  reserve(sizeBytes: number, onWait: () => void): Promise<void> | undefined {
    if (this.tryReserve(sizeBytes)) return undefined;
    return new Promise((resolve, reject) => {
      const waiter: MemoryWaiter = { sizeBytes, resolve, timer: undefined! };
      waiter.timer = setTimeout(() => {
        const at = this.waiters.indexOf(waiter);
        if (at >= 0) this.waiters.splice(at, 1);
        reject(
          new ClientError('ERR_BUFFER_FULL', `buffer.memory stayed full for ${this.maxBlockMs} ms`),
        );
      }, this.maxBlockMs);
      this.waiters.push(waiter);
      onWait();
    });
  }

  /** Changes the bytes held without serving waiters (a batch replaced by its parts). */
  adjust(deltaBytes: number): void {
    this.usedBytes += deltaBytes;
  }

  /** Gives back `sizeBytes` and lets waiting callers in, in their order, while they fit. */
  release(sizeBytes: number): void {
    this.usedBytes -= sizeBytes;
    while (this.waiters.length > 0) {
      const w = this.waiters[0]!;
      if (this.usedBytes + w.sizeBytes > this.totalBytes && this.usedBytes > 0) return;
      this.waiters.shift();
      clearTimeout(w.timer);
      this.usedBytes += w.sizeBytes;
      w.resolve();
    }
  }
}
