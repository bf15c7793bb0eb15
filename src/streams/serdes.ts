// Serdes turn keys and values into bytes and back, as Kafka Streams' `Serdes` do. Their byte
// layouts match Kafka's built-in serdes (big-endian integers and doubles, UTF-8 strings), so a
// Java application and this one can read each other's topics. A null stays null (tombstones).

export interface Serializer<T> {
  serialize(topic: string, data: T | null): Buffer | null;
}

export interface Deserializer<T> {
  deserialize(topic: string, data: Buffer | null): T | null;
}

export interface Serde<T> extends Serializer<T>, Deserializer<T> {}

function serde<T>(to: (v: T) => Buffer, from: (b: Buffer) => T): Serde<T> {
  return {
    serialize: (_topic, data) => (data === null || data === undefined ? null : to(data)),
    deserialize: (_topic, data) => (data === null ? null : from(data)),
  };
}

function fixedWidth(bytes: number, name: string): (b: Buffer) => Buffer {
  return (b) => {
    if (b.length !== bytes)
      throw new Error(`size of data received by ${name} is not ${bytes} (${b.length})`);
    return b;
  };
}

export const Serdes = {
  String: (): Serde<string> =>
    serde(
      (v) => Buffer.from(v, 'utf8'),
      (b) => b.toString('utf8'),
    ),
  /** Kafka's IntegerSerde: 4 bytes, big-endian, signed. */
  Integer: (): Serde<number> =>
    serde(
      (v) => {
        const b = Buffer.alloc(4);
        b.writeInt32BE(v);
        return b;
      },
      (b) => fixedWidth(4, 'IntegerDeserializer')(b).readInt32BE(0),
    ),
  /** Kafka's LongSerde: 8 bytes, big-endian, signed; numbers beyond 2^53 lose precision. */
  Long: (): Serde<number> =>
    serde(
      (v) => {
        // Two 32-bit halves: exact for every integer a number holds, and no BigInt per call.
        const n = Math.trunc(v);
        const high = Math.floor(n / 4294967296);
        if (high < -2147483648 || high > 2147483647)
          throw new RangeError(`${v} is out of the range of a Long`);
        const b = Buffer.allocUnsafe(8);
        b.writeInt32BE(high, 0);
        b.writeUInt32BE(n - high * 4294967296, 4);
        return b;
      },
      (b) => {
        fixedWidth(8, 'LongDeserializer')(b);
        // high * 2^32 is exact and the sum rounds once: the same number as Number(bigint).
        return b.readInt32BE(0) * 4294967296 + b.readUInt32BE(4);
      },
    ),
  /** Kafka's DoubleSerde: 8 bytes IEEE 754, big-endian. */
  Double: (): Serde<number> =>
    serde(
      (v) => {
        const b = Buffer.alloc(8);
        b.writeDoubleBE(v);
        return b;
      },
      (b) => fixedWidth(8, 'DoubleDeserializer')(b).readDoubleBE(0),
    ),
  /** JSON text in UTF-8 (what Kafka Connect's schemaless JsonConverter writes). */
  Json: <T>(): Serde<T> =>
    serde<T>(
      (v) => Buffer.from(JSON.stringify(v), 'utf8'),
      (b) => JSON.parse(b.toString('utf8')) as T,
    ),
  Bytes: (): Serde<Buffer> =>
    serde(
      (v) => v,
      (b) => b,
    ),
  /** Kafka's VoidSerde: always null. */
  Void: (): Serde<null> => ({
    serialize: () => null,
    deserialize: () => null,
  }),
};
