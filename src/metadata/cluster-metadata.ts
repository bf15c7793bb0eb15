// The controller's side of the cluster metadata: the one writer (the controller's role in
// KRaft; on one node it runs in the broker process). Every change is a batch of metadata
// records, validated against the image and appended to the metadata log with compare-and-swap
// on the log's next offset. The image itself changes only when the follower (metadata-
// follower.ts) replays the committed batch from the store's watch, exactly as it replays a
// batch another node wrote; an operation resolves once its batch is replayed and the
// subscribers have heard it, so a topic's logs exist when CreateTopics answers. When another
// writer got there first, the operation waits for the follower to catch up and is built again
// against the newer image. Operations run one at a time, so each sees the image the previous
// one left.
import { ErrorCode, ZERO_UUID } from '../protocol/index.js';
import { isStorageFailure } from '../storage/index.js';
import { systemClock, systemRandom } from '../util/index.js';
import { SerialQueue } from '../util/serial-queue.js';
import { MetadataImage, type MetadataChange, type TopicImage } from './image.js';
import type { MetadataLogStore } from './metadata-log.js';
import { MetadataFollower, type MetadataListener } from './metadata-follower.js';
import {
  ConfigResourceType,
  MetadataRecordType,
  encodeMetadataBatch,
  type MetadataRecord,
} from './records.js';
import { collisionKey, topicNameProblem } from './topic-name.js';
import { alterPartitionChanges } from './alter-partition.js';
import type { AlterPartitionRequest, AlterPartitionResponse } from '../protocol/index.js';
import {
  assignmentProblem,
  fail,
  partitionRecords,
  placeReplicas,
  rackAlternatedBrokerIds,
  replicationFactorProblem,
} from './topic-placement.js';

export type { MetadataListener } from './metadata-follower.js';

export interface ClusterMetadataOptions {
  store: MetadataLogStore;
  nodeId: number;
  /** Milliseconds since the epoch, for batch timestamps. */
  clock?: () => number;
  /** New topic ids and incarnation ids. */
  randomUuid?: () => string;
  /** Told when a subscriber fails; the change itself stays committed. */
  onListenerError?: (err: unknown, change: MetadataChange) => void;
  /** Told when the metadata log can no longer be followed (the image stops changing). */
  onFollowerFailure?: (err: unknown) => void;
  /** Told when this node's registration could only be kept in memory (a full disk). */
  onVolatileRegistration?: (err: unknown) => void;
}

/**
 * Makes the storage of new partitions before the records that announce them are committed,
 * so the metadata never names a partition whose log could not be made (a full disk, too many
 * open files). The broker's replica manager is the one preparer.
 */
export interface PartitionPreparer {
  /**
   * Creates the partitions' logs; resolves null when done, or the failure to answer (after
   * removing whatever it made). Throws only for bugs.
   */
  prepare(topic: TopicImage, partitionIds: readonly number[]): Promise<OperationResult | null>;
  /** Removes what `prepare` made: the records that would have announced it did not commit. */
  discard(topic: TopicImage, partitionIds: readonly number[]): Promise<void>;
}

export interface NewTopic {
  name: string;
  /** Already resolved from the broker defaults when the request said -1. */
  numPartitions: number;
  replicationFactor: number;
  /** Replicas per partition, by partition id; when given, numPartitions/RF are taken from it. */
  assignments?: readonly (readonly number[])[];
  /** Topic config overrides, already validated by the caller. */
  configs?: ReadonlyMap<string, string>;
}

export interface OperationResult {
  errorCode: number;
  errorMessage: string | null;
}

export interface CreateTopicResult extends OperationResult {
  /** The created topic (or, for validateOnly, what it would be); absent on error. */
  topic?: TopicImage;
}

export interface ConfigChange {
  resourceType: number;
  /** Topic name, broker id as a string, or '' for the cluster-wide broker default. */
  resourceName: string;
  name: string;
  /** null removes the override. */
  value: string | null;
}

export interface ProducerIdBlock {
  firstProducerId: bigint;
  size: number;
}

/**
 * The most partitions one operation may create, as in Kafka's controller (its records must fit
 * one batch): it also keeps a single request from building an unbounded batch in memory.
 */
export const MAX_PARTITIONS_PER_OPERATION = 10_000;

/** Producer ids handed out per ProducerIdsRecord, as Kafka's controller does. */
export const PRODUCER_ID_BLOCK_SIZE = 1000;

/**
 * How many times an operation is built again after another writer appended first. Only the
 * active controller writes, so a conflict means a handover is under way; an operation that
 * keeps losing fails rather than spinning.
 */
export const MAX_COMMIT_ATTEMPTS = 10;

const OK: OperationResult = { errorCode: ErrorCode.NONE, errorMessage: null };

export class ClusterMetadata {
  private readonly queue = new SerialQueue();
  private preparer: PartitionPreparer | null = null;
  private readonly clock: () => number;
  private readonly randomUuid: () => string;

  private constructor(
    private readonly options: ClusterMetadataOptions,
    readonly follower: MetadataFollower,
  ) {
    this.clock = options.clock ?? systemClock.nowMs;
    this.randomUuid = options.randomUuid ?? systemRandom.uuid;
  }

  /** Replays the stored log into a new image and follows the log from there. */
  static async open(options: ClusterMetadataOptions): Promise<ClusterMetadata> {
    const { store, onListenerError, onFollowerFailure } = options;
    const follower = await MetadataFollower.open({
      store,
      onListenerError,
      onFailure: onFollowerFailure,
    });
    return new ClusterMetadata(options, follower);
  }

  /** The image the follower keeps: read it, never write it. */
  get image(): MetadataImage {
    return this.follower.image;
  }

  get nodeId(): number {
    return this.options.nodeId;
  }

  /** Calls `listener` after each applied change, whoever made it; returns the unsubscribe. */
  subscribe(listener: MetadataListener): () => void {
    return this.follower.subscribe(listener);
  }

  /** Sets who makes the storage of new partitions before they commit; returns the unset. */
  prepareWith(preparer: PartitionPreparer): () => void {
    this.preparer = preparer;
    return () => {
      if (this.preparer === preparer) this.preparer = null;
    };
  }

  /** Node ids of the live (registered, unfenced) brokers. */
  liveBrokerIds(): number[] {
    return this.image
      .brokers()
      .filter((b) => !b.fenced)
      .map((b) => b.brokerId);
  }

  /** The live brokers in the order replicas are placed over them (racks alternating). */
  private placementOrder(): number[] {
    const live = this.image.brokers().filter((b) => !b.fenced);
    return rackAlternatedBrokerIds(live.map((b) => ({ brokerId: b.brokerId, rack: b.rack })));
  }

  /**
   * Registers this node (a new incarnation on every start) and, on a brand new log, sets the
   * initial feature levels. When the metadata log cannot be written (a full disk), the records
   * are applied in memory only: they describe nothing but this incarnation (where it listens,
   * its epoch), which the next start registers again, so the broker can start and serve reads.
   */
  registerBroker(
    endpoints: readonly { name: string; host: string; port: number }[],
    features: ReadonlyMap<string, number>,
  ): Promise<void> {
    return this.run(() => {
      const records: MetadataRecord[] = [];
      for (const [name, featureLevel] of features) {
        if (this.image.features().has(name)) continue;
        records.push({ type: MetadataRecordType.FeatureLevel, value: { name, featureLevel } });
      }
      const previous = this.image.broker(this.nodeId);
      records.push({
        type: MetadataRecordType.RegisterBroker,
        value: {
          brokerId: this.nodeId,
          isMigratingZkBroker: false,
          incarnationId: this.randomUuid(),
          brokerEpoch: (previous?.brokerEpoch ?? -1n) + 1n,
          endPoints: endpoints.map((e) => ({ ...e, securityProtocol: 0 })),
          features: [],
          rack: null,
          fenced: false,
          inControlledShutdown: false,
          logDirs: [],
          cordonedLogDirs: null,
        },
      });
      return { records, result: undefined, volatileIfStoreFails: true };
    });
  }

  createTopics(
    topics: readonly NewTopic[],
    options: { validateOnly?: boolean } = {},
  ): Promise<CreateTopicResult[]> {
    return this.run(async () => {
      const planned: { records: MetadataRecord[]; preview: TopicImage; index: number }[] = [];
      const results: CreateTopicResult[] = [];
      const taken = new Set(this.image.topics().map((t) => collisionKey(t.name)));
      const pending = new Set<string>();
      let budget = MAX_PARTITIONS_PER_OPERATION;
      for (const spec of topics) {
        const problem = this.checkNewTopic(spec, taken, pending) ?? tooMany(spec, budget);
        if (problem !== null) {
          results.push(problem);
          continue;
        }
        budget -= spec.assignments?.length ?? spec.numPartitions;
        taken.add(collisionKey(spec.name));
        pending.add(spec.name);
        const topicRecords = this.newTopicRecords(spec);
        const preview = previewTopic(topicRecords);
        planned.push({ records: topicRecords, preview, index: results.length });
        results.push({ ...OK, topic: preview });
      }
      if (options.validateOnly) return { records: [], result: results };
      // The logs first: a topic whose logs cannot be made is answered with the failure and
      // never committed.
      const prepared: TopicImage[] = [];
      const records: MetadataRecord[] = [];
      for (const plan of planned) {
        const failure = await this.prepare(plan.preview, allPartitionIds(plan.preview));
        if (failure !== null) {
          results[plan.index] = failure;
          continue;
        }
        prepared.push(plan.preview);
        records.push(...plan.records);
      }
      const abort = async (): Promise<void> => {
        for (const t of prepared) await this.preparer?.discard(t, allPartitionIds(t));
      };
      return { records, result: results, abort };
    }).then((results) =>
      // Hand out the committed images, which the subscribers have seen too.
      results.map((r) =>
        r.topic === undefined || options.validateOnly
          ? r
          : { ...r, topic: this.image.topicById(r.topic.topicId) ?? r.topic },
      ),
    );
  }

  /** Asks the preparer (if any) to make the partitions' storage; null when it is done. */
  private async prepare(
    topic: TopicImage,
    partitionIds: readonly number[],
  ): Promise<OperationResult | null> {
    if (this.preparer === null || partitionIds.length === 0) return null;
    return this.preparer.prepare(topic, partitionIds);
  }

  private checkNewTopic(
    spec: NewTopic,
    taken: ReadonlySet<string>,
    pending: ReadonlySet<string>,
  ): OperationResult | null {
    const nameProblem = topicNameProblem(spec.name);
    if (nameProblem !== null) return fail(ErrorCode.INVALID_TOPIC_EXCEPTION, nameProblem);
    if (this.image.topic(spec.name) !== undefined || pending.has(spec.name)) {
      return fail(ErrorCode.TOPIC_ALREADY_EXISTS, `Topic '${spec.name}' already exists.`);
    }
    if (taken.has(collisionKey(spec.name))) {
      const why = `Topic '${spec.name}' collides with an existing topic: '.' and '_' are interchangeable in topic names.`;
      return fail(ErrorCode.INVALID_TOPIC_EXCEPTION, why);
    }
    if (spec.assignments !== undefined) {
      return assignmentProblem(spec.assignments, {
        firstPartition: 0,
        liveBrokerIds: this.liveBrokerIds(),
      });
    }
    if (spec.numPartitions <= 0) {
      return fail(ErrorCode.INVALID_PARTITIONS, 'Number of partitions must be larger than 0.');
    }
    return replicationFactorProblem(spec.replicationFactor, this.liveBrokerIds());
  }

  private newTopicRecords(spec: NewTopic): MetadataRecord[] {
    let topicId = this.randomUuid();
    while (topicId === ZERO_UUID || this.image.topicById(topicId) !== undefined) {
      topicId = this.randomUuid();
    }
    const records: MetadataRecord[] = [
      { type: MetadataRecordType.Topic, value: { name: spec.name, topicId } },
    ];
    const { numPartitions: count, replicationFactor } = spec;
    const placement = { first: 0, count, replicationFactor };
    const assignments = spec.assignments ?? placeReplicas(placement, this.placementOrder());
    records.push(...partitionRecords(topicId, assignments, { firstPartition: 0 }));
    for (const [name, value] of spec.configs ?? []) {
      records.push(configRecord(ConfigResourceType.Topic, spec.name, name, value));
    }
    return records;
  }

  /** Deletes topics by id; results in the same order. */
  deleteTopics(topicIds: readonly string[]): Promise<OperationResult[]> {
    return this.run(() => {
      const records: MetadataRecord[] = [];
      const seen = new Set<string>();
      const result = topicIds.map((topicId) => {
        const topic = this.image.topicById(topicId);
        if (topic === undefined || seen.has(topicId)) {
          return fail(ErrorCode.UNKNOWN_TOPIC_ID, `Topic id ${topicId} is not known.`);
        }
        seen.add(topicId);
        records.push({ type: MetadataRecordType.RemoveTopic, value: { topicId } });
        return OK;
      });
      return { records, result };
    });
  }

  /** Grows a topic to `totalCount` partitions. */
  createPartitions(
    name: string,
    totalCount: number,
    options: { assignments?: readonly (readonly number[])[] | null; validateOnly?: boolean } = {},
  ): Promise<OperationResult> {
    return this.run(async () => {
      const topic = this.image.topic(name);
      const none = { records: [] as MetadataRecord[] };
      if (topic === undefined) {
        const why = `This server does not host this topic: ${name}`;
        return { ...none, result: fail(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, why) };
      }
      const current = topic.partitions.length;
      if (totalCount < current) {
        const why = `The topic ${name} currently has ${current} partition(s); ${totalCount} would not be an increase.`;
        return { ...none, result: fail(ErrorCode.INVALID_PARTITIONS, why) };
      }
      if (totalCount === current) {
        const why = `Topic already has ${current} partition(s).`;
        return { ...none, result: fail(ErrorCode.INVALID_PARTITIONS, why) };
      }
      if (totalCount - current > MAX_PARTITIONS_PER_OPERATION) {
        const why = `At most ${MAX_PARTITIONS_PER_OPERATION} partitions can be added in one operation.`;
        return { ...none, result: fail(ErrorCode.INVALID_PARTITIONS, why) };
      }
      const rf = topic.partitions[0]?.replicas.length ?? 1;
      let assignments = options.assignments ?? null;
      if (assignments !== null) {
        if (assignments.length !== totalCount - current) {
          const why = `Attempted to add ${totalCount - current} additional partition(s), but only ${assignments.length} assignment(s) were specified.`;
          return { ...none, result: fail(ErrorCode.INVALID_REPLICA_ASSIGNMENT, why) };
        }
        const problem = assignmentProblem(assignments, {
          firstPartition: current,
          liveBrokerIds: this.liveBrokerIds(),
        });
        if (problem !== null) return { ...none, result: problem };
      } else {
        const problem = replicationFactorProblem(rf, this.liveBrokerIds());
        if (problem !== null) return { ...none, result: problem };
        const placement = { first: current, count: totalCount - current, replicationFactor: rf };
        assignments = placeReplicas(placement, this.placementOrder());
      }
      if (options.validateOnly) return { ...none, result: OK };
      const records = partitionRecords(topic.topicId, assignments, { firstPartition: current });
      // The topic as it will be once the records commit, for the preparer.
      const scratch = new MetadataImage();
      const topicRecord: MetadataRecord = {
        type: MetadataRecordType.Topic,
        value: { name, topicId: topic.topicId },
      };
      scratch.replay([topicRecord, ...records]);
      const newPartitions = scratch.topics()[0]!.partitions;
      const preview: TopicImage = {
        ...topic,
        partitions: Array.from({ length: totalCount }, (_, i) =>
          i < current ? topic.partitions[i]! : newPartitions[i]!,
        ),
      };
      const added = assignments.map((_, i) => current + i);
      const failure = await this.prepare(preview, added);
      if (failure !== null) return { ...none, result: failure };
      const abort = () => this.preparer?.discard(preview, added) ?? Promise.resolve();
      return { records, result: OK, abort };
    });
  }

  /**
   * Applies config changes (already validated by the caller) in one batch. A topic change
   * for a topic that does not exist fails the whole call with UNKNOWN_TOPIC_OR_PARTITION.
   */
  alterConfigs(changes: readonly ConfigChange[]): Promise<OperationResult> {
    return this.run(() => {
      for (const c of changes) {
        if (c.resourceType === ConfigResourceType.Topic && !this.image.topic(c.resourceName)) {
          const why = `Topic ${c.resourceName} does not exist.`;
          return { records: [], result: fail(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, why) };
        }
      }
      const records = changes.map((c) =>
        configRecord(c.resourceType, c.resourceName, c.name, c.value),
      );
      return { records, result: OK };
    });
  }

  /**
   * Commits the records `build` makes from the current image (the controller's own decisions:
   * registrations, fencing, leader elections). `build` runs again, against the newer image,
   * after another writer appended first; null or no records commits nothing.
   */
  commitRecords(build: (image: MetadataImage) => MetadataRecord[] | null): Promise<boolean> {
    return this.run(() => {
      const records = build(this.image) ?? [];
      return { records, result: records.length > 0 };
    });
  }

  /**
   * Appends SCRAM credential records (AlterUserScramCredentials, validated by the caller) in
   * one batch: upsertions as UserScramCredentialRecords, deletions as
   * RemoveUserScramCredentialRecords.
   */
  alterScramCredentials(records: readonly MetadataRecord[]): Promise<void> {
    return this.run(() => ({ records: [...records], result: undefined }));
  }

  /**
   * Commits the records `build` makes from the image as one batch (ACLs, client quotas: the
   * callers validate against the image they are given) and returns its result once applied.
   */
  commitWithResult<T>(build: (image: MetadataImage) => { records: MetadataRecord[]; result: T }) {
    return this.run(() => build(this.image));
  }

  /** Reserves the next block of producer ids for InitProducerId. */
  allocateProducerIdBlock(): Promise<ProducerIdBlock> {
    return this.run(() => {
      const firstProducerId = this.image.nextProducerId;
      const brokerEpoch = this.image.broker(this.nodeId)?.brokerEpoch ?? 0n;
      const record: MetadataRecord = {
        type: MetadataRecordType.ProducerIds,
        value: {
          brokerId: this.nodeId,
          brokerEpoch,
          nextProducerId: firstProducerId + BigInt(PRODUCER_ID_BLOCK_SIZE),
        },
      };
      return { records: [record], result: { firstProducerId, size: PRODUCER_ID_BLOCK_SIZE } };
    });
  }

  /**
   * AlterPartition: a leader's ISR change, checked against the image (partition epoch as the
   * fence, see alter-partition.ts) and committed as PartitionChangeRecords. The answer holds
   * once they are replayed here; the leader applies the new ISR when its own replay brings it.
   */
  alterPartition(request: AlterPartitionRequest): Promise<AlterPartitionResponse> {
    return this.run(() => {
      const { records, response } = alterPartitionChanges(this.image, request);
      return { records, result: response };
    });
  }

  /** Waits for the operations already queued (tests, shutdown). */
  async idle(): Promise<void> {
    await this.queue.idle();
  }

  async close(): Promise<void> {
    await this.idle();
    await this.follower.close();
    await this.options.store.close();
  }

  /**
   * Runs one operation after the previous ones: `build` reads the image and returns the
   * records to commit with the result to hand back once they are durable and applied. When
   * the commit fails, `abort` undoes what `build` prepared outside the metadata.
   */
  private run<T>(build: () => BuildResult<T> | Promise<BuildResult<T>>): Promise<T> {
    return this.queue.run(() => this.commitBuilt(build));
  }

  /**
   * Builds the operation against the image and commits it; when another writer appended
   * first, waits until the image has their batches and builds it again.
   */
  private async commitBuilt<T>(build: () => BuildResult<T> | Promise<BuildResult<T>>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      // Taken before building: the batch is valid only on top of the image it was built on.
      const expectedOffset = this.follower.nextOffset;
      const { records, result, abort, volatileIfStoreFails } = await build();
      if (records.length === 0) return result;
      let committed: boolean;
      try {
        committed = await this.commit(records, { expectedOffset, volatileIfStoreFails });
      } catch (err) {
        await abort?.();
        throw err;
      }
      if (committed) return result;
      await abort?.();
      if (attempt === MAX_COMMIT_ATTEMPTS) {
        throw new Error(
          `the metadata log kept moving: another writer appended first ${attempt} times`,
        );
      }
    }
  }

  /**
   * Appends the records if the log still ends where the image does, and waits until the
   * follower has applied them (subscribers included). False on a conflict, once the image has
   * caught up with the batches that won.
   */
  private async commit(
    records: MetadataRecord[],
    options: { expectedOffset: number; volatileIfStoreFails?: boolean },
  ): Promise<boolean> {
    const batch = encodeMetadataBatch(records, this.clock());
    const { expectedOffset } = options;
    let appended;
    try {
      appended = await this.options.store.append(batch, { expectedOffset });
    } catch (err) {
      if (options.volatileIfStoreFails !== true || !isStorageFailure(err)) throw err;
      this.options.onVolatileRegistration?.(err);
      await this.follower.applyVolatile(records);
      return true;
    }
    if (appended.type === 'conflict') {
      await this.follower.waitFor(appended.nextOffset - 1);
      return false;
    }
    await this.follower.waitFor(appended.baseOffset + records.length - 1);
    return true;
  }
}

interface BuildResult<T> {
  records: MetadataRecord[];
  result: T;
  abort?: () => Promise<void>;
  /** A broker registration that may stay in memory when the store cannot take it (full disk). */
  volatileIfStoreFails?: boolean;
}

function allPartitionIds(topic: TopicImage): number[] {
  return topic.partitions.map((_, i) => i);
}

function tooMany(spec: NewTopic, budget: number): OperationResult | null {
  const count = spec.assignments?.length ?? spec.numPartitions;
  if (count <= budget) return null;
  const why = `At most ${MAX_PARTITIONS_PER_OPERATION} partitions can be created in one operation.`;
  return fail(ErrorCode.INVALID_PARTITIONS, why);
}

function configRecord(
  resourceType: number,
  resourceName: string,
  name: string,
  value: string | null,
): MetadataRecord {
  return { type: MetadataRecordType.Config, value: { resourceType, resourceName, name, value } };
}

/** The image a topic would have, for validateOnly answers and results before replay. */
function previewTopic(records: readonly MetadataRecord[]): TopicImage {
  const image = new MetadataImage();
  image.replay(records);
  return image.topics()[0]!;
}
