// The v2 consumer instances this proxy holds, by group and name. Each lives on this proxy
// only (a request for it reaching another proxy gets 40403, as with Confluent's), is closed
// (leaving its group) once idle for consumer.instance.timeout.ms, and their number is capped
// by consumer.instances.max. With HTTP Basic authentication each principal sees only the
// instances it created (a view by owner over the one store); the cap counts them all.
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

/** What every owner's view shares: the instances and the timer that expires them. */
interface Store {
  instances: Map<string, ConsumerInstance>;
  timer: NodeJS.Timeout | null;
}

export class ConsumerInstances {
  private readonly store: Store;
  private readonly instances: Map<string, ConsumerInstance>;

  constructor(
    private readonly options: ConsumerInstancesOptions,
    shared?: Store,
    private readonly owner = '',
  ) {
    this.store = shared ?? { instances: new Map(), timer: null };
    this.instances = this.store.instances;
    if (shared !== undefined) return;
    // Checked often enough that an instance outlives its timeout by at most a second.
    const periodMs = Math.max(50, Math.min(1_000, Math.floor(options.instanceTimeoutMs / 2)));
    this.store.timer = setInterval(() => this.expire(), periodMs);
    this.store.timer.unref();
  }

  /** The instances of one principal: it creates, finds and deletes only its own. */
  forOwner(owner: string): ConsumerInstances {
    return new ConsumerInstances(this.options, this.store, owner);
  }

  /** Instances held by this proxy, every owner's. */
  get size(): number {
    return this.instances.size;
  }

  create(options: Omit<ConsumerInstanceOptions, 'name'> & { name?: string }): ConsumerInstance {
    const name =
      options.name ??
      `rest-consumer-${this.options.proxyId === '' ? '' : `${this.options.proxyId}-`}${randomUUID()}`;
    const key = keyOf(this.owner, options.group, name);
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
    const instance = this.instances.get(keyOf(this.owner, group, name));
    if (instance === undefined) throw consumerInstanceNotFound();
    return instance;
  }

  /** Closes an instance (it leaves its group) and forgets it. */
  async delete(group: string, name: string): Promise<void> {
    const instance = this.get(group, name);
    this.instances.delete(keyOf(this.owner, group, name));
    await instance.run(() => instance.close());
  }

  async close(): Promise<void> {
    if (this.store.timer !== null) clearInterval(this.store.timer);
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

const keyOf = (owner: string, group: string, name: string) => `${owner}\u0000${group}\u0000${name}`;
