// The v2 consumer instances this proxy holds, by group and name. Each lives on this proxy
// only (a request for it reaching another proxy gets 40403, as with Confluent's), is closed
// (leaving its group) once idle for consumer.instance.timeout.ms, and their number is capped
// by consumer.instances.max.
import { randomUUID } from 'node:crypto';
import { HttpError } from '../http/index.js';
import { ConsumerInstance, type ConsumerInstanceOptions } from './consumer-instance.js';
import {
  CONSUMER_ALREADY_EXISTS,
  consumerInstanceNotFound,
  TOO_MANY_REQUESTS,
} from './rest-errors.js';

export interface ConsumerInstancesOptions {
  /** id: the prefix of generated instance names. */
  proxyId: string;
  instanceTimeoutMs: number;
  instancesMax: number;
}

export class ConsumerInstances {
  private readonly instances = new Map<string, ConsumerInstance>();
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly options: ConsumerInstancesOptions) {
    // Checked often enough that an instance outlives its timeout by at most a second.
    const periodMs = Math.max(50, Math.min(1_000, Math.floor(options.instanceTimeoutMs / 2)));
    this.timer = setInterval(() => this.expire(), periodMs);
    this.timer.unref();
  }

  get size(): number {
    return this.instances.size;
  }

  create(options: Omit<ConsumerInstanceOptions, 'name'> & { name?: string }): ConsumerInstance {
    const name =
      options.name ??
      `rest-consumer-${this.options.proxyId === '' ? '' : `${this.options.proxyId}-`}${randomUUID()}`;
    const key = keyOf(options.group, name);
    if (this.instances.has(key)) {
      throw new HttpError(
        409,
        CONSUMER_ALREADY_EXISTS,
        'Consumer with specified consumer ID already exists in the specified consumer group.',
      );
    }
    if (this.instances.size >= this.options.instancesMax) {
      throw new HttpError(
        429,
        TOO_MANY_REQUESTS,
        `Too many consumer instances: this proxy holds at most ${this.options.instancesMax} (consumer.instances.max).`,
      );
    }
    const instance = new ConsumerInstance({ ...options, name });
    this.instances.set(key, instance);
    return instance;
  }

  get(group: string, name: string): ConsumerInstance {
    const instance = this.instances.get(keyOf(group, name));
    if (instance === undefined) throw consumerInstanceNotFound();
    return instance;
  }

  /** Closes an instance (it leaves its group) and forgets it. */
  async delete(group: string, name: string): Promise<void> {
    const instance = this.get(group, name);
    this.instances.delete(keyOf(group, name));
    await instance.run(() => instance.close());
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    const all = [...this.instances.values()];
    this.instances.clear();
    await Promise.all(all.map((i) => i.close().catch(() => {})));
  }

  private expire(): void {
    const now = Date.now();
    for (const [key, instance] of this.instances) {
      if (instance.busy || now - instance.lastUsedMs < this.options.instanceTimeoutMs) continue;
      this.instances.delete(key);
      void instance.close().catch(() => {});
    }
  }
}

const keyOf = (group: string, name: string) => `${group}\u0000${name}`;
