// The foreign-key table-table join (Kafka's KTable.join(other, foreignKeyExtractor, joiner),
// KIP-213). The left table's rows subscribe to the right table's row with their foreign key:
//
//  left change ── subscription (keyed by FK) ──► `<name>-subscription-registration-topic`
//     right task: the subscription store keeps (FK, PK) → subscription; a subscription and
//     every change of the right row send the right value back, keyed by PK
//  left task ◄── response ── `<name>-subscription-response-topic` (to the PK's partition)
//     the resolver joins the response with the left row's current value
//
// Each subscription carries a hash of the left value it was made for. A response whose hash is
// not the hash of the left row's current value answers an outdated row (the row changed or its
// foreign key moved while the response was on its way) and is dropped: only the response to the
// newest row produces a result. Instructions say whether a response is wanted at all, as in
// Kafka: a changed foreign key deletes the old subscription silently and asks the new one for an
// answer even when the right row is missing, so that the old result is replaced by a tombstone.
import { createHash } from 'node:crypto';
import type { Serde } from '../serdes.js';
import type { KeyValueStore } from '../state/key-value-store.js';
import { Serdes } from '../serdes.js';
import { Stores } from '../stores.js';
import type { Change, DslContext } from './context.js';
import { withStores } from './processors.js';

export enum Instruction {
  DELETE_KEY_NO_PROPAGATE = 0,
  DELETE_KEY_AND_PROPAGATE = 1,
  PROPAGATE_NULL_IF_NO_FK_VAL_AVAILABLE = 2,
  PROPAGATE_ONLY_IF_FK_VAL_AVAILABLE = 3,
}

interface Subscription {
  instruction: Instruction;
  hash: Buffer | null;
  primaryPartition: number;
  primaryKey: Buffer;
}

interface Response {
  hash: Buffer | null;
  primaryPartition: number;
  foreignValue: Buffer | null;
}

export interface ForeignKeyJoinSpec<K, V, KO, VO, VR> {
  leftJoin: boolean;
  /** The join's name: internal topics `<name>-subscription-registration-topic` and so on. */
  name: string | null;
  leftNode: string;
  leftStore: string;
  leftGetter: (store: KeyValueStore<unknown, unknown>) => (key: K) => V | null;
  rightNode: string;
  rightStore: string;
  rightGetter: (store: KeyValueStore<unknown, unknown>) => (key: KO) => VO | null;
  keySerde: Serde<K>;
  valueSerde: Serde<V>;
  foreignKeySerde: Serde<KO>;
  foreignValueSerde: Serde<VO>;
  foreignKeyExtractor: (value: V) => KO | null;
  joiner: (value: V, other: VO | null) => VR;
}

/** Adds the join's processors, topics and subscription store; returns the resolver's name. */
export function addForeignKeyJoin<K, V, KO, VO, VR>(
  ctx: DslContext,
  spec: ForeignKeyJoinSpec<K, V, KO, VO, VR>,
): string {
  const t = ctx.topology;
  const named = (suffix: string, prefix: string) =>
    spec.name === null ? ctx.newName(prefix) : `${spec.name}-${suffix}`;
  const registration = `${named('subscription-registration', 'KTABLE-FK-JOIN-SUBSCRIPTION-REGISTRATION')}-topic`;
  const send = named('subscription-registration-send', 'KTABLE-FK-JOIN-SUBSCRIPTION-REGISTRATION');
  const regSink = named('subscription-registration-sink', 'KTABLE-SINK');
  const regSource = named('subscription-registration-source', 'KTABLE-SOURCE');
  const store = named('subscription-store', 'KTABLE-FK-JOIN-SUBSCRIPTION-STATE-STORE');
  const receive = named('subscription-receive', 'KTABLE-FK-JOIN-SUBSCRIPTION-PROCESSOR');
  const foreign = named('foreign-join-subscription', 'KTABLE-FK-JOIN-SUBSCRIPTION-PROCESSOR');
  const response = `${named('subscription-response', 'KTABLE-FK-JOIN-SUBSCRIPTION-RESPONSE')}-topic`;
  const resSink = named('subscription-response-sink', 'KTABLE-SINK');
  const resSource = named('subscription-response-source', 'KTABLE-SOURCE');
  const resolver = named('result', 'KTABLE-FK-JOIN-SUBSCRIPTION-RESPONSE-RESOLVER-PROCESSOR');
  t.internalTopics.set(registration, { kind: 'repartition', partitions: null });
  t.internalTopics.set(response, { kind: 'repartition', partitions: null });
  const fks = spec.foreignKeySerde;
  const fkBytes = (fk: KO) => fks.serialize(registration, fk)!;
  const valueHash = (v: V | null) => {
    const b = v === null ? null : spec.valueSerde.serialize(registration, v);
    return b === null ? null : createHash('md5').update(b).digest();
  };

  // Left task: a change of the left row sends subscriptions.
  t.addProcessor(
    send,
    withStores([], (c) => (r) => {
      const ch = r.value as Change<V>;
      const hash = valueHash(ch.newValue);
      const pk = spec.keySerde.serialize(registration, r.key as K)!;
      const partition = c.recordMetadata()?.partition ?? 0;
      const forward = (fk: KO | null, instruction: Instruction) =>
        c.forward(
          r
            .withKey(fk)
            .withValue({ instruction, hash, primaryPartition: partition, primaryKey: pk }),
        );
      for (const [fk, instruction] of instructions(spec, ch, fkBytes)) forward(fk, instruction);
    }),
    spec.leftNode,
  );
  t.addSink(
    regSink,
    registration,
    { keySerializer: fks, valueSerializer: subscriptionSerde },
    send,
  );

  // Right task: the subscription store and the two ways a response is made.
  t.addSource(regSource, registration, {
    keyDeserializer: fks,
    valueDeserializer: subscriptionSerde,
  });
  t.addProcessor(
    receive,
    withStores([store, spec.rightStore], (c, [s, rs]) => {
      const subs = s as KeyValueStore<Buffer, Buffer>;
      const right = spec.rightGetter(rs as KeyValueStore<unknown, unknown>);
      return (r) => {
        const sub = r.value as Subscription;
        const fk = r.key as KO | null;
        if (fk !== null && fk !== undefined) {
          const key = combinedKey(fkBytes(fk), sub.primaryKey);
          const del =
            sub.instruction === Instruction.DELETE_KEY_NO_PROPAGATE ||
            sub.instruction === Instruction.DELETE_KEY_AND_PROPAGATE;
          subs.put(key, del ? null : subscriptionSerde.serialize('', sub));
        }
        const value = fk === null || fk === undefined ? null : right(fk);
        const wanted =
          sub.instruction === Instruction.DELETE_KEY_AND_PROPAGATE ||
          sub.instruction === Instruction.PROPAGATE_NULL_IF_NO_FK_VAL_AVAILABLE ||
          (sub.instruction === Instruction.PROPAGATE_ONLY_IF_FK_VAL_AVAILABLE && value !== null);
        if (!wanted) return;
        const foreignValue =
          sub.instruction === Instruction.DELETE_KEY_AND_PROPAGATE || value === null
            ? null
            : spec.foreignValueSerde.serialize(response, value);
        const res: Response = {
          hash: sub.hash,
          primaryPartition: sub.primaryPartition,
          foreignValue,
        };
        c.forward(r.withKey(sub.primaryKey).withValue(res));
      };
    }),
    regSource,
  );
  t.addProcessor(
    foreign,
    withStores([store], (c, [s]) => {
      const subs = s as KeyValueStore<Buffer, Buffer>;
      return (r) => {
        if (r.key === null || r.key === undefined) return;
        const ch = r.value as Change<VO>;
        const foreignValue =
          ch.newValue === null ? null : spec.foreignValueSerde.serialize(response, ch.newValue);
        const prefix = combinedKey(fkBytes(r.key as KO), Buffer.alloc(0));
        const hi = Buffer.concat([prefix, Buffer.alloc(64, 0xff)]);
        for (const { key, value } of subs.range(prefix, hi)) {
          if (!key.subarray(0, prefix.length).equals(prefix)) continue;
          const sub = subscriptionSerde.deserialize('', value)!;
          const res: Response = {
            hash: sub.hash,
            primaryPartition: sub.primaryPartition,
            foreignValue,
          };
          c.forward(r.withKey(sub.primaryKey).withValue(res));
        }
      };
    }),
    spec.rightNode,
  );
  t.addStateStore(
    Stores.keyValueStoreBuilder(store, Serdes.Bytes(), Serdes.Bytes()),
    receive,
    foreign,
  );
  t.connectProcessorAndStateStores([receive], spec.rightStore);
  t.addSink(
    resSink,
    response,
    {
      keySerializer: Serdes.Bytes(),
      valueSerializer: responseSerde,
      // The response goes back to the partition of the left row that subscribed.
      partitioner: (_topic, _key, value) => (value as Response).primaryPartition,
    },
    receive,
    foreign,
  );

  // Left task: the resolver drops stale responses and joins the rest.
  t.addSource(resSource, response, {
    keyDeserializer: spec.keySerde,
    valueDeserializer: responseSerde,
  });
  t.addProcessor(
    resolver,
    withStores([spec.leftStore], (c, [ls]) => {
      const left = spec.leftGetter(ls as KeyValueStore<unknown, unknown>);
      return (r) => {
        const res = r.value as Response;
        const current = left(r.key as K);
        const hash = valueHash(current);
        const same = hash === null ? res.hash === null : res.hash !== null && hash.equals(res.hash);
        if (!same) return; // stale: answers a left value that is no longer there
        const other =
          res.foreignValue === null
            ? null
            : spec.foreignValueSerde.deserialize(response, res.foreignValue);
        const result =
          other === null && (!spec.leftJoin || current === null)
            ? null
            : spec.joiner(current as V, other);
        c.forward(r.withValue(result));
      };
    }),
    resSource,
  );
  t.connectProcessorAndStateStores([resolver], spec.leftStore);
  return resolver;
}

/** Kafka's subscription instructions for one left change (SubscriptionSendProcessorSupplier). */
function instructions<K, V, KO, VO, VR>(
  spec: ForeignKeyJoinSpec<K, V, KO, VO, VR>,
  ch: Change<V>,
  fkBytes: (fk: KO) => Buffer,
): [KO | null, Instruction][] {
  const fkOf = (v: V | null) => {
    const fk = v === null ? null : spec.foreignKeyExtractor(v);
    return fk === undefined ? null : fk;
  };
  const oldFk = fkOf(ch.oldValue);
  const newFk = fkOf(ch.newValue);
  const changed = oldFk !== null && (newFk === null || !fkBytes(newFk).equals(fkBytes(oldFk)));
  const out: [KO | null, Instruction][] = [];
  if (spec.leftJoin) {
    if (ch.oldValue === null && ch.newValue === null) return out;
    if (changed) out.push([oldFk, Instruction.DELETE_KEY_NO_PROPAGATE]);
    // Always a response, even for a delete (a null foreign key), so a left result follows.
    out.push([newFk, Instruction.PROPAGATE_NULL_IF_NO_FK_VAL_AVAILABLE]);
    return out;
  }
  if (ch.newValue === null) {
    if (oldFk !== null) out.push([oldFk, Instruction.DELETE_KEY_AND_PROPAGATE]);
  } else if (newFk === null) {
    if (oldFk !== null) out.push([oldFk, Instruction.DELETE_KEY_AND_PROPAGATE]);
  } else if (oldFk === null) {
    out.push([newFk, Instruction.PROPAGATE_ONLY_IF_FK_VAL_AVAILABLE]);
  } else if (changed) {
    out.push([oldFk, Instruction.DELETE_KEY_NO_PROPAGATE]);
    out.push([newFk, Instruction.PROPAGATE_NULL_IF_NO_FK_VAL_AVAILABLE]);
  } else {
    out.push([newFk, Instruction.PROPAGATE_ONLY_IF_FK_VAL_AVAILABLE]);
  }
  return out;
}

/** (foreign key, primary key) with the foreign key first, so one FK's subscriptions are adjacent. */
function combinedKey(fk: Buffer, pk: Buffer): Buffer {
  const b = Buffer.alloc(4 + fk.length + pk.length);
  b.writeInt32BE(fk.length, 0);
  fk.copy(b, 4);
  pk.copy(b, 4 + fk.length);
  return b;
}

function putHash(hash: Buffer | null): Buffer {
  return hash === null ? Buffer.of(0) : Buffer.concat([Buffer.of(1), hash]);
}

function getHash(b: Buffer, at: number): [Buffer | null, number] {
  return b[at] === 0 ? [null, at + 1] : [Buffer.from(b.subarray(at + 1, at + 17)), at + 17];
}

/** Version 0, instruction, hash, primary partition, primary key bytes. */
const subscriptionSerde: Serde<Subscription> = {
  serialize: (_topic, s) => {
    if (s === null) return null;
    const partition = Buffer.alloc(4);
    partition.writeInt32BE(s.primaryPartition);
    return Buffer.concat([Buffer.of(0, s.instruction), putHash(s.hash), partition, s.primaryKey]);
  },
  deserialize: (_topic, b) => {
    if (b === null) return null;
    const [hash, at] = getHash(b, 2);
    return {
      instruction: b[1] as Instruction,
      hash,
      primaryPartition: b.readInt32BE(at),
      primaryKey: Buffer.from(b.subarray(at + 4)),
    };
  },
};

/** Version 0, hash, primary partition, foreign value (4-byte length, -1: null, and bytes). */
const responseSerde: Serde<Response> = {
  serialize: (_topic, r) => {
    if (r === null) return null;
    const head = Buffer.alloc(8);
    head.writeInt32BE(r.primaryPartition, 0);
    head.writeInt32BE(r.foreignValue === null ? -1 : r.foreignValue.length, 4);
    return Buffer.concat([Buffer.of(0), putHash(r.hash), head, r.foreignValue ?? Buffer.alloc(0)]);
  },
  deserialize: (_topic, b) => {
    if (b === null) return null;
    const [hash, at] = getHash(b, 1);
    const len = b.readInt32BE(at + 4);
    return {
      hash,
      primaryPartition: b.readInt32BE(at),
      foreignValue: len < 0 ? null : Buffer.from(b.subarray(at + 8, at + 8 + len)),
    };
  },
};
