// Config definitions, as Kafka's ConfigDef: each key has a type, a default (or none: then it
// is required), a validator, an importance, documentation, a group and an order. `parse`
// turns string properties into typed values or throws a ConfigError naming the key;
// `validate` answers what the REST API's `config/validate` returns, one entry per key with
// its errors, so a user sees every mistake at once.

export type ConfigType =
  'BOOLEAN' | 'STRING' | 'INT' | 'SHORT' | 'LONG' | 'DOUBLE' | 'LIST' | 'CLASS' | 'PASSWORD';
export type Importance = 'HIGH' | 'MEDIUM' | 'LOW';

/** A check on a parsed value; returns an error message or undefined. */
export type Validator = ((name: string, value: unknown) => string | undefined) & {
  describe?: string;
};

export interface ConfigKey {
  name: string;
  type: ConfigType;
  /** Absent: the key is required. */
  defaultValue?: unknown;
  validator?: Validator;
  importance: Importance;
  documentation: string;
  group?: string;
  orderInGroup?: number;
  displayName?: string;
  dependents?: string[];
}

export class ConfigError extends Error {
  override readonly name = 'ConfigException';
  constructor(
    readonly key: string,
    message: string,
  ) {
    super(message);
  }
}

export interface ConfigValueInfo {
  name: string;
  value: string | null;
  recommended_values: string[];
  errors: string[];
  visible: boolean;
}

export interface ConfigKeyInfo {
  name: string;
  type: ConfigType;
  required: boolean;
  default_value: string | null;
  importance: Importance;
  documentation: string;
  group: string | null;
  order: number;
  width: 'NONE';
  display_name: string;
  dependents: string[];
}

export interface ConfigInfos {
  name: string;
  error_count: number;
  groups: string[];
  configs: { definition: ConfigKeyInfo; value: ConfigValueInfo }[];
}

export class ConfigDef {
  readonly keys = new Map<string, ConfigKey>();

  define(key: Omit<ConfigKey, 'importance'> & { importance?: Importance }): this {
    if (this.keys.has(key.name)) throw new Error(`config ${key.name} is defined twice`);
    this.keys.set(key.name, { importance: 'MEDIUM', ...key });
    return this;
  }

  /** This definition and another's keys (another's win on clashes). */
  merge(other: ConfigDef): ConfigDef {
    const out = new ConfigDef();
    for (const k of this.keys.values()) out.keys.set(k.name, k);
    for (const k of other.keys.values()) out.keys.set(k.name, k);
    return out;
  }

  /** Typed values for every defined key; throws a ConfigError for the first bad one. */
  parse(props: Record<string, string | undefined>): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const key of this.keys.values()) {
      const { value, error } = this.parseOne(key, props[key.name]);
      if (error !== undefined) throw new ConfigError(key.name, error);
      out[key.name] = value;
    }
    return out;
  }

  validate(name: string, props: Record<string, string | undefined>): ConfigInfos {
    const groups: string[] = [];
    const configs = [...this.keys.values()].map((key, i) => {
      if (key.group !== undefined && !groups.includes(key.group)) groups.push(key.group);
      const raw = props[key.name];
      const { error } = this.parseOne(key, raw);
      return {
        definition: {
          name: key.name,
          type: key.type,
          required: key.defaultValue === undefined,
          default_value: key.defaultValue === undefined ? null : render(key.defaultValue),
          importance: key.importance,
          documentation: key.documentation,
          group: key.group ?? null,
          order: key.orderInGroup ?? i,
          width: 'NONE' as const,
          display_name: key.displayName ?? key.name,
          dependents: key.dependents ?? [],
        },
        value: {
          name: key.name,
          value: raw ?? (key.defaultValue === undefined ? null : render(key.defaultValue)),
          recommended_values: [],
          errors: error === undefined ? [] : [error],
          visible: true,
        },
      };
    });
    return {
      name,
      error_count: configs.reduce((n, c) => n + c.value.errors.length, 0),
      groups,
      configs,
    };
  }

  private parseOne(key: ConfigKey, raw: string | undefined): { value?: unknown; error?: string } {
    if (raw === undefined) {
      if (key.defaultValue === undefined)
        return {
          error: `Missing required configuration "${key.name}" which has no default value.`,
        };
      return { value: key.defaultValue };
    }
    let value: unknown;
    try {
      value = parseType(key, raw);
    } catch (err) {
      return { error: (err as Error).message };
    }
    const problem = key.validator?.(key.name, value);
    return problem === undefined ? { value } : { error: problem };
  }
}

function parseType(key: ConfigKey, raw: string): unknown {
  const s = raw.trim();
  const invalid = (expected: string): never => {
    throw new Error(
      `Invalid value ${raw} for configuration ${key.name}: Expected value to be ${expected}`,
    );
  };
  switch (key.type) {
    case 'BOOLEAN':
      if (s.toLowerCase() === 'true') return true;
      if (s.toLowerCase() === 'false') return false;
      return invalid('either true or false');
    case 'INT':
    case 'SHORT': {
      if (!/^-?\d+$/.test(s))
        return invalid(key.type === 'INT' ? 'a 32-bit integer' : 'a 16-bit integer');
      const n = Number(s);
      const bound = key.type === 'INT' ? 2 ** 31 : 2 ** 15;
      if (n < -bound || n >= bound) return invalid('a 32-bit integer');
      return n;
    }
    case 'LONG':
      if (!/^-?\d+$/.test(s)) return invalid('a 64-bit integer');
      return Number(s);
    case 'DOUBLE':
      if (s === '' || Number.isNaN(Number(s))) return invalid('a double');
      return Number(s);
    case 'LIST':
      return s === '' ? [] : s.split(',').map((x) => x.trim());
    case 'STRING':
    case 'CLASS':
    case 'PASSWORD':
      return raw;
  }
}

function render(value: unknown): string {
  return Array.isArray(value) ? value.join(',') : String(value);
}

// Validators, named as Kafka's.

export function range(min?: number, max?: number): Validator {
  return (name, value) => {
    if (typeof value !== 'number') return undefined;
    if (min !== undefined && value < min)
      return `Invalid value ${value} for configuration ${name}: Value must be at least ${min}`;
    if (max !== undefined && value > max)
      return `Invalid value ${value} for configuration ${name}: Value must be no more than ${max}`;
    return undefined;
  };
}

export function validString(...allowed: string[]): Validator {
  return (name, value) =>
    typeof value === 'string' && !allowed.includes(value)
      ? `Invalid value ${value} for configuration ${name}: String must be one of: ${allowed.join(', ')}`
      : undefined;
}

export function nonEmptyString(): Validator {
  return (name, value) =>
    typeof value === 'string' && value.trim() === ''
      ? `Invalid value ${value} for configuration ${name}: String must be non-empty`
      : undefined;
}

export function validList(...allowed: string[]): Validator {
  return (name, value) => {
    if (!Array.isArray(value)) return undefined;
    const bad = value.find((v) => !allowed.includes(String(v)));
    return bad === undefined
      ? undefined
      : `Invalid value ${bad} for configuration ${name}: String must be one of: ${allowed.join(', ')}`;
  };
}

export function nonEmptyList(): Validator {
  return (name, value) =>
    Array.isArray(value) && value.length === 0
      ? `Invalid value  for configuration ${name}: Empty list`
      : undefined;
}
