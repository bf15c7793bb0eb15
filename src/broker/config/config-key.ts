// The shape of one configuration key, after Kafka's ConfigDef: a name, a type, a default
// (kept as the string Kafka reports, so DescribeConfigs can return it unchanged), a doc
// string and an optional validator. Values are parsed into JS types; int64 values above
// Number.MAX_SAFE_INTEGER (Kafka's Long.MAX_VALUE, meaning "never") become MAX_SAFE_INTEGER.

export type ConfigType = 'boolean' | 'string' | 'int' | 'long' | 'double' | 'list' | 'password';

interface ValueTypes {
  boolean: boolean;
  string: string;
  int: number;
  long: number;
  double: number;
  list: string[];
  password: string;
}

export type ConfigValue = ValueTypes[ConfigType];
/** Returns a problem description, or undefined when the value is acceptable. */
export type Validator = (value: ConfigValue) => string | undefined;

export interface ConfigKey<
  N extends string = string,
  T extends ConfigType = ConfigType,
  Null extends boolean = boolean,
> {
  name: N;
  type: T;
  /** Kafka's string form of the default; null when the key has no default. */
  defaultValue: string | null;
  nullable: Null;
  doc: string;
  /** False for keys Rivulet recognises but ignores; setting one gives a warning. */
  supported: boolean;
  validate?: Validator;
}

/** The JS type of a key's value. */
export type ValueOf<K> =
  K extends ConfigKey<string, infer T, infer Null>
    ? ValueTypes[T] | (Null extends true ? null : never)
    : never;

/** Typed values by Kafka name for a table of keys. */
export type ConfigValues<Keys extends readonly ConfigKey[]> = {
  [K in Keys[number] as K['name']]: ValueOf<K>;
};

export const LONG_MAX = '9223372036854775807';
export const INT_MAX = '2147483647';

interface KeyOptions {
  validate?: Validator;
  supported?: boolean;
}

type Default = number | string | boolean | null;

function define<N extends string, T extends ConfigType, D extends Default>(
  type: T,
  name: N,
  def: D,
  doc: string,
  options: KeyOptions = {},
): ConfigKey<N, T, D extends null ? true : false> {
  return {
    name,
    type,
    defaultValue: def === null ? null : String(def),
    nullable: (def === null) as D extends null ? true : false,
    doc,
    supported: options.supported ?? true,
    ...(options.validate === undefined ? {} : { validate: options.validate }),
  };
}

/** Constructors for table entries: `key.int('num.partitions', 1, 'doc', { validate })`. */
export const key = {
  boolean: <N extends string, D extends boolean | null>(n: N, d: D, doc: string, o?: KeyOptions) =>
    define('boolean', n, d, doc, o),
  string: <N extends string, D extends string | null>(n: N, d: D, doc: string, o?: KeyOptions) =>
    define('string', n, d, doc, o),
  password: <N extends string>(n: N, doc: string, o?: KeyOptions) =>
    define('password', n, null, doc, o),
  int: <N extends string, D extends number | string | null>(
    n: N,
    d: D,
    doc: string,
    o?: KeyOptions,
  ) => define('int', n, d, doc, o),
  long: <N extends string, D extends number | string | null>(
    n: N,
    d: D,
    doc: string,
    o?: KeyOptions,
  ) => define('long', n, d, doc, o),
  double: <N extends string, D extends number | null>(n: N, d: D, doc: string, o?: KeyOptions) =>
    define('double', n, d, doc, o),
  list: <N extends string, D extends string | null>(n: N, d: D, doc: string, o?: KeyOptions) =>
    define('list', n, d, doc, o),
};

/** Parses a raw string for `k`, or returns a problem description. */
export function parseValue(
  k: ConfigKey,
  raw: string,
): { value: ConfigValue } | { problem: string } {
  const s = raw.trim();
  let value: ConfigValue;
  switch (k.type) {
    case 'boolean': {
      const lower = s.toLowerCase();
      if (lower !== 'true' && lower !== 'false') return { problem: 'expected true or false' };
      value = lower === 'true';
      break;
    }
    case 'int':
    case 'long': {
      if (!/^[-+]?\d+$/.test(s)) return { problem: 'expected an integer' };
      const big = BigInt(s);
      const [min, max] =
        k.type === 'int' ? [-(2n ** 31n), 2n ** 31n - 1n] : [-(2n ** 63n), 2n ** 63n - 1n];
      if (big < min || big > max) return { problem: `out of range for ${k.type}` };
      const safe = BigInt(Number.MAX_SAFE_INTEGER);
      value = Number(big > safe ? safe : big < -safe ? -safe : big);
      break;
    }
    case 'double': {
      const n = Number(s);
      if (s === '' || !Number.isFinite(n)) return { problem: 'expected a number' };
      value = n;
      break;
    }
    case 'list':
      value =
        s === ''
          ? []
          : s
              .split(',')
              .map((item) => item.trim())
              .filter((i) => i !== '');
      break;
    case 'string':
    case 'password':
      value = s;
      break;
  }
  const problem = k.validate?.(value);
  return problem === undefined ? { value } : { problem };
}

/** The parsed default of `k` (null when it has none). */
export function defaultOf(k: ConfigKey): ConfigValue | null {
  if (k.defaultValue === null) return null;
  const parsed = parseValue({ ...k, validate: undefined } as ConfigKey, k.defaultValue);
  if ('problem' in parsed) throw new Error(`bad default for ${k.name}: ${parsed.problem}`);
  return parsed.value;
}

export const atLeast =
  (min: number): Validator =>
  (v) =>
    typeof v === 'number' && v < min ? `must be at least ${min}` : undefined;

export const between =
  (min: number, max: number): Validator =>
  (v) =>
    typeof v === 'number' && (v < min || v > max) ? `must be between ${min} and ${max}` : undefined;

export const oneOf =
  (allowed: readonly string[]): Validator =>
  (v) => {
    const items = Array.isArray(v) ? v : [String(v)];
    const bad = items.filter((i) => !allowed.includes(i));
    return bad.length === 0 ? undefined : `must be one of ${allowed.join(', ')}`;
  };
