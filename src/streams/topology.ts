// A Topology is the graph of a stream-processing application (Kafka's Topology): sources read
// topics, processors transform records and use stores, sinks write topics. Nodes connected
// directly or through a shared store form one sub-topology; each sub-topology runs as one task
// per partition of its input topics. describe() prints the graph as Kafka Streams does.
import type { Deserializer, Serializer } from './serdes.js';
import type {
  ProcessorSupplier,
  StreamPartitioner,
  TimestampExtractor,
  TopicNameExtractor,
} from './processor.js';
import type { StoreBuilder } from './state/state-store.js';

export interface SourceNode {
  kind: 'source';
  name: string;
  topics: string[];
  keyDeserializer: Deserializer<unknown>;
  valueDeserializer: Deserializer<unknown>;
  timestampExtractor: TimestampExtractor | null;
}

export interface ProcessorNode {
  kind: 'processor';
  name: string;
  supplier: ProcessorSupplier<unknown, unknown, unknown, unknown>;
  parents: string[];
  stores: string[];
}

export interface SinkNode {
  kind: 'sink';
  name: string;
  topic: string | TopicNameExtractor<unknown, unknown>;
  keySerializer: Serializer<unknown>;
  valueSerializer: Serializer<unknown>;
  partitioner: StreamPartitioner<unknown, unknown> | null;
  parents: string[];
}

export type TopologyNode = SourceNode | ProcessorNode | SinkNode;

export interface SubTopology {
  id: number;
  nodes: TopologyNode[];
  sourceTopics: string[];
  stores: string[];
}

const bytesPassThrough = {
  serialize: (_t: string, d: unknown) => (d === null ? null : (d as Buffer)),
  deserialize: (_t: string, d: Buffer | null) => d,
};

export interface SourceOptions<K, V> {
  keyDeserializer?: Deserializer<K>;
  valueDeserializer?: Deserializer<V>;
  timestampExtractor?: TimestampExtractor;
}

export interface SinkOptions<K, V> {
  keySerializer?: Serializer<K>;
  valueSerializer?: Serializer<V>;
  partitioner?: StreamPartitioner<K, V>;
}

export class Topology {
  /** Nodes in the order they were added (that order numbers the sub-topologies). */
  readonly nodes = new Map<string, TopologyNode>();
  readonly storeBuilders = new Map<string, StoreBuilder>();
  /** Topics this application creates and owns, named without the application.id prefix. */
  readonly internalTopics = new Map<string, { kind: 'repartition'; partitions: number | null }>();
  /** Global stores: each holds every partition of its topic, in every instance. */
  readonly globalStores = new Map<string, { topic: string; builder: StoreBuilder }>();

  addSource<K = Buffer, V = Buffer>(
    name: string,
    topics: string | string[],
    options: SourceOptions<K, V> = {},
  ): this {
    this.checkNew(name);
    const list = typeof topics === 'string' ? [topics] : topics;
    if (list.length === 0) throw new Error(`source ${name} needs at least one topic`);
    for (const n of this.nodes.values()) {
      if (n.kind === 'source' && n.topics.some((t) => list.includes(t)))
        throw new Error(`a topic of ${name} is already read by source ${n.name}`);
    }
    this.nodes.set(name, {
      kind: 'source',
      name,
      topics: list,
      keyDeserializer: (options.keyDeserializer ?? bytesPassThrough) as Deserializer<unknown>,
      valueDeserializer: (options.valueDeserializer ?? bytesPassThrough) as Deserializer<unknown>,
      timestampExtractor: options.timestampExtractor ?? null,
    });
    return this;
  }

  addProcessor<KIn, VIn, KOut, VOut>(
    name: string,
    supplier: ProcessorSupplier<KIn, VIn, KOut, VOut>,
    ...parentNames: string[]
  ): this {
    this.checkNew(name);
    this.checkParents(name, parentNames);
    this.nodes.set(name, {
      kind: 'processor',
      name,
      supplier: supplier as unknown as ProcessorSupplier<unknown, unknown, unknown, unknown>,
      parents: parentNames,
      stores: [],
    });
    return this;
  }

  addSink<K = Buffer, V = Buffer>(
    name: string,
    topic: string | TopicNameExtractor<K, V>,
    options: SinkOptions<K, V>,
    ...parentNames: string[]
  ): this {
    this.checkNew(name);
    this.checkParents(name, parentNames);
    this.nodes.set(name, {
      kind: 'sink',
      name,
      topic: topic as string | TopicNameExtractor<unknown, unknown>,
      keySerializer: (options.keySerializer ?? bytesPassThrough) as Serializer<unknown>,
      valueSerializer: (options.valueSerializer ?? bytesPassThrough) as Serializer<unknown>,
      partitioner: (options.partitioner ?? null) as StreamPartitioner<unknown, unknown> | null,
      parents: parentNames,
    });
    return this;
  }

  addStateStore(builder: StoreBuilder, ...processorNames: string[]): this {
    if (this.storeBuilders.has(builder.name))
      throw new Error(`store ${builder.name} is already added`);
    this.storeBuilders.set(builder.name, builder);
    this.connectProcessorAndStateStores(processorNames, builder.name);
    return this;
  }

  /**
   * Adds a store filled from every partition of a topic (the topic is its changelog, so the
   * store itself is not logged). Its keys and values are the topic's bytes, decoded by the
   * store's serdes; a null value deletes the key.
   */
  addGlobalStore(builder: StoreBuilder, topic: string): this {
    if (this.storeBuilders.has(builder.name) || this.globalStores.has(builder.name))
      throw new Error(`store ${builder.name} is already added`);
    builder.withLoggingDisabled();
    this.globalStores.set(builder.name, { topic, builder });
    return this;
  }

  connectProcessorAndStateStores(processorNames: string[], ...storeNames: string[]): this {
    for (const p of processorNames) {
      const node = this.nodes.get(p);
      if (node?.kind !== 'processor') throw new Error(`${p} is not a processor`);
      for (const s of storeNames) {
        if (this.globalStores.has(s)) continue;
        if (!this.storeBuilders.has(s)) throw new Error(`store ${s} is not added`);
        if (!node.stores.includes(s)) node.stores.push(s);
      }
    }
    return this;
  }

  children(name: string): TopologyNode[] {
    return [...this.nodes.values()].filter((n) => n.kind !== 'source' && n.parents.includes(name));
  }

  /** Connected components (edges and shared stores), numbered by their first node. */
  subTopologies(): SubTopology[] {
    const parent = new Map<string, string>();
    const find = (x: string): string => {
      let r = x;
      while (parent.get(r) !== r) r = parent.get(r)!;
      parent.set(x, r);
      return r;
    };
    const union = (a: string, b: string) => parent.set(find(a), find(b));
    for (const n of this.nodes.keys()) parent.set(n, n);
    for (const s of this.storeBuilders.keys()) parent.set(`\u0000store:${s}`, `\u0000store:${s}`);
    for (const n of this.nodes.values()) {
      if (n.kind !== 'source') for (const p of n.parents) union(n.name, p);
      if (n.kind === 'processor') for (const s of n.stores) union(n.name, `\u0000store:${s}`);
    }
    const groups = new Map<string, TopologyNode[]>();
    for (const n of this.nodes.values()) {
      const r = find(n.name);
      const g = groups.get(r) ?? [];
      g.push(n);
      groups.set(r, g);
    }
    return [...groups.values()].map((nodes, id) => ({
      id,
      nodes,
      sourceTopics: nodes.flatMap((n) => (n.kind === 'source' ? n.topics : [])),
      stores: [...new Set(nodes.flatMap((n) => (n.kind === 'processor' ? n.stores : [])))],
    }));
  }

  describe(): TopologyDescription {
    return new TopologyDescription(this);
  }

  private checkNew(name: string): void {
    if (this.nodes.has(name)) throw new Error(`processor ${name} is already added`);
  }

  private checkParents(name: string, parents: string[]): void {
    if (parents.length === 0) throw new Error(`${name} needs at least one parent`);
    for (const p of parents) {
      const n = this.nodes.get(p);
      if (n === undefined) throw new Error(`parent ${p} of ${name} is not added`);
      if (n.kind === 'sink') throw new Error(`sink ${p} cannot be a parent of ${name}`);
    }
  }
}

/** The graph as Kafka Streams' TopologyDescription prints it. */
export class TopologyDescription {
  readonly subtopologies: SubTopology[];

  constructor(private readonly topology: Topology) {
    this.subtopologies = topology.subTopologies();
  }

  toString(): string {
    const out = ['Topologies:'];
    this.subtopologies.forEach((st, i) => {
      out.push(`   Sub-topology: ${st.id}`);
      for (const n of st.nodes) out.push(...this.node(n));
      if (i < this.subtopologies.length - 1) out.push('');
    });
    let id = this.subtopologies.length;
    for (const [name, g] of this.topology.globalStores) {
      out.push('', `   Sub-topology: ${id++} for global store (will not generate tasks)`);
      out.push(`    Source: ${name}-source (topics: [${g.topic}])`, `      --> ${name}`);
      out.push(
        `    Processor: ${name} (stores: [${name}])`,
        '      --> none',
        `      <-- ${name}-source`,
      );
    }
    return out.join('\n') + '\n';
  }

  private node(n: TopologyNode): string[] {
    const children = this.topology.children(n.name).map((c) => c.name);
    const next = `      --> ${children.length === 0 ? 'none' : children.join(', ')}`;
    const prev = n.kind === 'source' ? '' : `      <-- ${n.parents.join(', ')}`;
    switch (n.kind) {
      case 'source':
        return [`    Source: ${n.name} (topics: [${n.topics.join(', ')}])`, next];
      case 'processor':
        return [`    Processor: ${n.name} (stores: [${n.stores.join(', ')}])`, next, prev];
      case 'sink': {
        const topic = typeof n.topic === 'string' ? `topic: ${n.topic}` : 'topic: (extractor)';
        return [`    Sink: ${n.name} (${topic})`, prev];
      }
    }
  }
}
