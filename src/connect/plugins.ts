// The plugins a worker knows: connectors, converters, transforms and predicates, each under
// Kafka's class name (org.apache.kafka.connect.file.FileStreamSourceConnector, …) and a short
// alias (FileStreamSource), as Kafka's plugin discovery allows. Third-party plugins are npm
// packages in a directory of `plugin.path`: a package whose package.json has a
// `"rivulet-connect"` field naming the module that exports `connectPlugins`.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Connector } from './connector.js';
import { FileStreamSinkConnector } from './connectors/file-stream-sink.js';
import { FileStreamSourceConnector } from './connectors/file-stream-source.js';
import { JdbcSinkConnector } from './connectors/jdbc/jdbc-sink.js';
import { JdbcSourceConnector } from './connectors/jdbc/jdbc-source.js';
import { S3SinkConnector } from './connectors/s3/s3-sink.js';
import type { Converter } from './converters/converter.js';
import { AvroConverter } from './converters/avro-converter.js';
import { JsonConverter } from './converters/json-converter.js';
import { ByteArrayConverter, StringConverter } from './converters/simple-converters.js';
import { Cast, TimestampConverter } from './transforms/cast.js';
import {
  ExtractField,
  Flatten,
  HoistField,
  InsertField,
  MaskField,
  ReplaceField,
  ValueToKey,
} from './transforms/field-transforms.js';
import { HasHeaderKey, RecordIsTombstone, TopicNameMatches } from './transforms/predicates.js';
import {
  DropHeaders,
  Filter,
  HeaderFrom,
  InsertHeader,
  RegexRouter,
  SetSchemaMetadata,
  TimestampRouter,
} from './transforms/record-transforms.js';
import type { Predicate, Side, Transformation } from './transforms/transformation.js';

/** What a plugin package's module exports as `connectPlugins`. */
export interface PluginModule {
  connectors?: Record<string, () => Connector>;
  converters?: Record<string, () => Converter>;
  transforms?: Record<string, () => Transformation>;
  predicates?: Record<string, () => Predicate>;
}

type Factories<T> = Map<string, { className: string; make: () => T }>;

const T = 'org.apache.kafka.connect.transforms.';

export class Plugins {
  readonly connectors: Factories<Connector> = new Map();
  readonly converters: Factories<Converter> = new Map();
  readonly transforms: Factories<Transformation> = new Map();
  readonly predicates: Factories<Predicate> = new Map();

  constructor() {
    this.add(
      this.connectors,
      'org.apache.kafka.connect.file.FileStreamSourceConnector',
      () => new FileStreamSourceConnector(),
      ['FileStreamSource', 'FileStreamSourceConnector'],
    );
    this.add(
      this.connectors,
      'org.apache.kafka.connect.file.FileStreamSinkConnector',
      () => new FileStreamSinkConnector(),
      ['FileStreamSink', 'FileStreamSinkConnector'],
    );
    this.add(
      this.connectors,
      'io.confluent.connect.jdbc.JdbcSourceConnector',
      () => new JdbcSourceConnector(),
      ['JdbcSource', 'JdbcSourceConnector'],
    );
    this.add(
      this.connectors,
      'io.confluent.connect.jdbc.JdbcSinkConnector',
      () => new JdbcSinkConnector(),
      ['JdbcSink', 'JdbcSinkConnector'],
    );
    this.add(
      this.connectors,
      'io.confluent.connect.s3.S3SinkConnector',
      () => new S3SinkConnector(),
      ['S3Sink', 'S3SinkConnector'],
    );
    this.add(
      this.converters,
      'org.apache.kafka.connect.json.JsonConverter',
      () => new JsonConverter(),
      ['JsonConverter'],
    );
    this.add(
      this.converters,
      'io.confluent.connect.avro.AvroConverter',
      () => new AvroConverter(),
      ['AvroConverter'],
    );
    this.add(
      this.converters,
      'org.apache.kafka.connect.storage.StringConverter',
      () => new StringConverter(),
      ['StringConverter'],
    );
    this.add(
      this.converters,
      'org.apache.kafka.connect.converters.ByteArrayConverter',
      () => new ByteArrayConverter(),
      ['ByteArrayConverter'],
    );
    const sided: [string, (side: Side) => Transformation][] = [
      ['InsertField', (s) => new InsertField(s)],
      ['ReplaceField', (s) => new ReplaceField(s)],
      ['MaskField', (s) => new MaskField(s)],
      ['HoistField', (s) => new HoistField(s)],
      ['ExtractField', (s) => new ExtractField(s)],
      ['Flatten', (s) => new Flatten(s)],
      ['Cast', (s) => new Cast(s)],
      ['TimestampConverter', (s) => new TimestampConverter(s)],
      ['SetSchemaMetadata', (s) => new SetSchemaMetadata(s)],
      ['HeaderFrom', (s) => new HeaderFrom(s)],
    ];
    for (const [name, make] of sided) {
      this.add(this.transforms, `${T}${name}$Key`, () => make('key'), [`${name}$Key`]);
      this.add(this.transforms, `${T}${name}$Value`, () => make('value'), [`${name}$Value`]);
    }
    const whole: [string, () => Transformation][] = [
      ['ValueToKey', () => new ValueToKey()],
      ['TimestampRouter', () => new TimestampRouter()],
      ['RegexRouter', () => new RegexRouter()],
      ['Filter', () => new Filter()],
      ['DropHeaders', () => new DropHeaders()],
      ['InsertHeader', () => new InsertHeader()],
    ];
    for (const [name, make] of whole) this.add(this.transforms, `${T}${name}`, make, [name]);
    this.add(this.predicates, `${T}predicates.TopicNameMatches`, () => new TopicNameMatches(), [
      'TopicNameMatches',
    ]);
    this.add(this.predicates, `${T}predicates.HasHeaderKey`, () => new HasHeaderKey(), [
      'HasHeaderKey',
    ]);
    this.add(this.predicates, `${T}predicates.RecordIsTombstone`, () => new RecordIsTombstone(), [
      'RecordIsTombstone',
    ]);
  }

  private add<X>(
    into: Factories<X>,
    className: string,
    make: () => X,
    aliases: string[] = [],
  ): void {
    const entry = { className, make };
    into.set(className, entry);
    for (const a of aliases) if (!into.has(a)) into.set(a, entry);
  }

  /** Loads the plugin packages found in the directories of `plugin.path`. */
  async loadPluginPath(pluginPath: string | undefined): Promise<string[]> {
    const loaded: string[] = [];
    for (const dir of (pluginPath ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)) {
      for (const pkgDir of packageDirs(resolve(dir))) {
        const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as Record<
          string,
          unknown
        >;
        const entry = pkg['rivulet-connect'];
        if (typeof entry !== 'string') continue;
        const mod = (await import(pathToFileURL(join(pkgDir, entry)).href)) as {
          connectPlugins?: PluginModule;
        };
        const p = mod.connectPlugins;
        if (p === undefined) throw new Error(`${pkgDir}: ${entry} does not export connectPlugins`);
        for (const [n, f] of Object.entries(p.connectors ?? {})) this.add(this.connectors, n, f);
        for (const [n, f] of Object.entries(p.converters ?? {})) this.add(this.converters, n, f);
        for (const [n, f] of Object.entries(p.transforms ?? {})) this.add(this.transforms, n, f);
        for (const [n, f] of Object.entries(p.predicates ?? {})) this.add(this.predicates, n, f);
        loaded.push(String(pkg['name'] ?? pkgDir));
      }
    }
    return loaded;
  }

  connector(name: string): Connector {
    return this.find(this.connectors, name, 'connector').make();
  }

  connectorClassName(name: string): string {
    return this.find(this.connectors, name, 'connector').className;
  }

  converter(name: string): Converter {
    return this.find(this.converters, name, 'converter').make();
  }

  transformation(name: string): Transformation {
    return this.find(this.transforms, name, 'transformation').make();
  }

  predicate(name: string): Predicate {
    return this.find(this.predicates, name, 'predicate').make();
  }

  private find<X>(
    from: Factories<X>,
    name: string,
    what: string,
  ): { className: string; make: () => X } {
    const f = from.get(name);
    if (f === undefined) {
      const known = [...new Set([...from.values()].map((v) => v.className))].join(', ');
      throw new Error(
        `Failed to find any class that implements ${what} and which name matches ${name}, available ${what}s are: ${known}`,
      );
    }
    return f;
  }
}

function packageDirs(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const out: string[] = [];
  if (names.includes('package.json')) out.push(dir);
  for (const n of names) {
    const p = join(dir, n);
    if (n.startsWith('.') || !statSync(p).isDirectory()) continue;
    if (n.startsWith('@')) out.push(...packageDirs(p));
    else if (readdirSync(p).includes('package.json')) out.push(p);
  }
  return out;
}
