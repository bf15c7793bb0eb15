// Kafka's kafka.server:type=BrokerTopicMetrics: messages and bytes in, bytes out, rejected
// bytes, failed and total produce and fetch requests, per topic and for all topics together.
// The produce and fetch handlers add to plain numbers (one map lookup per topic of a request);
// the metrics endpoint reads them at scrape time.

export interface TopicCounts {
  messagesIn: number;
  bytesIn: number;
  bytesOut: number;
  bytesRejected: number;
  failedProduceRequests: number;
  failedFetchRequests: number;
  totalProduceRequests: number;
  totalFetchRequests: number;
  /** Bytes a follower's fetch took from this leader (ReplicationBytesOutPerSec). */
  replicationBytesOut: number;
}

export const TOPIC_COUNT_NAMES: readonly (keyof TopicCounts)[] = [
  'messagesIn',
  'bytesIn',
  'bytesOut',
  'bytesRejected',
  'failedProduceRequests',
  'failedFetchRequests',
  'totalProduceRequests',
  'totalFetchRequests',
  'replicationBytesOut',
];

function zero(): TopicCounts {
  return {
    messagesIn: 0,
    bytesIn: 0,
    bytesOut: 0,
    bytesRejected: 0,
    failedProduceRequests: 0,
    failedFetchRequests: 0,
    totalProduceRequests: 0,
    totalFetchRequests: 0,
    replicationBytesOut: 0,
  };
}

export class BrokerTopicStats {
  /** Every topic together (Kafka's metrics without a topic tag). */
  readonly all: TopicCounts = zero();
  private readonly topics = new Map<string, TopicCounts>();

  /** The counts of `topic`, created at its first event. */
  topic(topic: string): TopicCounts {
    let counts = this.topics.get(topic);
    if (counts === undefined) {
      counts = zero();
      this.topics.set(topic, counts);
    }
    return counts;
  }

  /** One partition's batch was appended. */
  produced(topic: string, bytes: number, messages: number): void {
    const t = this.topic(topic);
    const all = this.all;
    t.totalProduceRequests++;
    all.totalProduceRequests++;
    t.bytesIn += bytes;
    all.bytesIn += bytes;
    t.messagesIn += messages;
    all.messagesIn += messages;
  }

  /**
   * One partition's batch was refused; `rejectedBytes` when it was refused for its size. A
   * topic that does not exist (null) counts in the totals only, so that requests for made-up
   * names cannot grow the metrics without bound.
   */
  produceFailed(topic: string | null, rejectedBytes: number): void {
    const all = this.all;
    all.totalProduceRequests++;
    all.failedProduceRequests++;
    all.bytesRejected += rejectedBytes;
    if (topic === null) return;
    const t = this.topic(topic);
    t.totalProduceRequests++;
    t.failedProduceRequests++;
    t.bytesRejected += rejectedBytes;
  }

  /** One partition was read by a consumer (or a follower, when `replication`). */
  fetched(topic: string, bytes: number, replication: boolean): void {
    const t = this.topic(topic);
    const all = this.all;
    t.totalFetchRequests++;
    all.totalFetchRequests++;
    if (replication) {
      t.replicationBytesOut += bytes;
      all.replicationBytesOut += bytes;
    } else {
      t.bytesOut += bytes;
      all.bytesOut += bytes;
    }
  }

  /** A partition's read failed; an unknown topic (null) counts in the totals only. */
  fetchFailed(topic: string | null): void {
    this.all.totalFetchRequests++;
    this.all.failedFetchRequests++;
    if (topic === null) return;
    const t = this.topic(topic);
    t.totalFetchRequests++;
    t.failedFetchRequests++;
  }

  /** A deleted topic's metrics go, as Kafka removes them. */
  removeTopic(topic: string): void {
    this.topics.delete(topic);
  }

  /** Topics with counts, in first-seen order. */
  entries(): IterableIterator<[string, TopicCounts]> {
    return this.topics.entries();
  }
}
