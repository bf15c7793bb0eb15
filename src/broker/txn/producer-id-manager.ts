// Hands out producer ids for InitProducerId from blocks reserved in the metadata log
// (ProducerIdsRecord), as Kafka's brokers do with their controller: an id is never handed out
// twice, across restarts too, because a block is durable before its first id is used.
import type { ProducerIdBlock } from '../../metadata/index.js';

export class ProducerIdManager {
  private next = 0n;
  private end = 0n;
  private pending: Promise<void> | null = null;

  constructor(private readonly allocateBlock: () => Promise<ProducerIdBlock>) {}

  async generate(): Promise<bigint> {
    while (this.next >= this.end) {
      this.pending ??= this.refill();
      await this.pending;
    }
    return this.next++;
  }

  private async refill(): Promise<void> {
    try {
      const block = await this.allocateBlock();
      this.next = block.firstProducerId;
      this.end = block.firstProducerId + BigInt(block.size);
    } finally {
      this.pending = null;
    }
  }
}
