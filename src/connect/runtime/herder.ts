// The herder decides what runs (Kafka Connect's Herder): it keeps the connector configs, their
// task configs and target states, and answers the REST API. The standalone herder applies
// changes at once on its own worker; the distributed one writes them to the config topic and
// lets the group's leader assign the work. This file holds what both share: validation, and
// the info, status and offsets shapes of the REST API.
import { ConfigDef, type ConfigInfos, type ConfigKeyInfo } from '../config-def.js';
import type { TaskConfig } from '../connector.js';
import type { Plugins } from '../plugins.js';
import { CONNECTOR_CLASS, connectorConfigDef } from './connector-config.js';
import type { OffsetBackingStore, OffsetEntry } from './offset-store.js';
import { statusJson, type StatusStore } from './status.js';
import type { TargetState } from './worker.js';

/** An error with the HTTP status the REST API answers it with. */
export class HerderError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export const notFound = (name: string) => new HerderError(404, `Connector ${name} not found`);

export interface ConnectorInfo {
  name: string;
  config: Record<string, string>;
  tasks: { connector: string; task: number }[];
  type: 'source' | 'sink' | 'unknown';
}

export interface RestartOptions {
  includeTasks: boolean;
  onlyFailed: boolean;
}

export interface Herder {
  start(): Promise<void>;
  stop(): Promise<void>;
  connectors(): string[];
  connectorInfo(name: string): ConnectorInfo;
  putConnectorConfig(
    name: string,
    config: Record<string, string>,
    allowReplace: boolean,
  ): Promise<{ created: boolean; info: ConnectorInfo }>;
  patchConnectorConfig(name: string, patch: Record<string, string | null>): Promise<ConnectorInfo>;
  deleteConnector(name: string): Promise<void>;
  connectorStatus(name: string): Record<string, unknown>;
  taskStatus(name: string, task: number): Record<string, unknown>;
  taskConfigs(name: string): { id: { connector: string; task: number }; config: TaskConfig }[];
  restartConnector(name: string, options: RestartOptions): Promise<Record<string, unknown> | null>;
  restartTask(name: string, task: number): Promise<void>;
  setTargetState(name: string, state: TargetState): Promise<void>;
  offsets(
    name: string,
  ): Promise<{ offsets: { partition: Record<string, unknown>; offset: unknown }[] }>;
  alterOffsets(name: string, entries: OffsetEntry[] | null): Promise<string>;
  validate(pluginClass: string, config: Record<string, string>): ConfigInfos;
  /** Distributed only: the worker running a connector hands its task configs to the leader. */
  putTaskConfigs?(name: string, configs: TaskConfig[]): Promise<void>;
  plugins(connectorsOnly: boolean): { class: string; type: string; version: string }[];
  /** KIP-769: a connector plugin's own config definitions; undefined for an unknown one. */
  pluginConfig?(plugin: string): ConfigKeyInfo[] | undefined;
}

/** The configs and target states, as the config topic (or the standalone herder) holds them. */
export class ConfigState {
  readonly configs = new Map<string, Record<string, string>>();
  readonly taskConfigs = new Map<string, TaskConfig[]>();
  readonly targets = new Map<string, TargetState>();

  target(name: string): TargetState {
    return this.targets.get(name) ?? 'STARTED';
  }
}

export abstract class BaseHerder {
  protected readonly state = new ConfigState();

  constructor(
    protected readonly registry: Plugins,
    protected readonly statusStore: StatusStore,
    protected readonly offsetStore: OffsetBackingStore,
  ) {}

  connectors(): string[] {
    return [...this.state.configs.keys()].sort();
  }

  protected config(name: string): Record<string, string> {
    const c = this.state.configs.get(name);
    if (c === undefined) throw notFound(name);
    return c;
  }

  protected kind(config: Record<string, string>): 'source' | 'sink' | 'unknown' {
    try {
      return this.registry.connector(config[CONNECTOR_CLASS] ?? '').kind;
    } catch {
      return 'unknown';
    }
  }

  connectorInfo(name: string): ConnectorInfo {
    const config = this.config(name);
    return {
      name,
      config,
      tasks: (this.state.taskConfigs.get(name) ?? []).map((_c, task) => ({
        connector: name,
        task,
      })),
      type: this.kind(config),
    };
  }

  taskConfigs(name: string): { id: { connector: string; task: number }; config: TaskConfig }[] {
    this.config(name);
    return (this.state.taskConfigs.get(name) ?? []).map((config, task) => ({
      id: { connector: name, task },
      config,
    }));
  }

  connectorStatus(name: string): Record<string, unknown> {
    const config = this.config(name);
    const c = this.statusStore.connector(name);
    const taskCount = this.state.taskConfigs.get(name)?.length ?? 0;
    const tasks = [...this.statusStore.tasks(name)]
      .filter(([id]) => id < taskCount)
      .sort(([a], [b]) => a - b)
      .map(([id, s]) => ({ id, ...trimTrace(statusJson(s)) }));
    return {
      name,
      connector:
        c === undefined
          ? { state: 'UNASSIGNED', worker_id: null }
          : trimGen(trimTrace(statusJson(c))),
      tasks: tasks.map(trimGen),
      type: this.kind(config),
    };
  }

  taskStatus(name: string, task: number): Record<string, unknown> {
    this.config(name);
    const s = this.statusStore.tasks(name).get(task);
    if (s === undefined) throw new HerderError(404, `No status found for task ${name}-${task}`);
    return { id: task, ...trimGen(trimTrace(statusJson(s))) };
  }

  async offsets(
    name: string,
  ): Promise<{ offsets: { partition: Record<string, unknown>; offset: unknown }[] }> {
    const config = this.config(name);
    if (this.kind(config) !== 'source')
      throw new HerderError(
        501,
        'Reading offsets of sink connectors is done through the consumer group connect-' +
          name +
          ' (for example with rivulet consumer-groups --describe)',
      );
    return {
      offsets: this.offsetStore
        .all(name)
        .map((e) => ({ partition: e.partition, offset: e.offset })),
    };
  }

  /** KIP-875: offsets may change only while the connector is STOPPED. */
  protected checkStoppedForOffsets(name: string): void {
    const config = this.config(name);
    if (this.state.target(name) !== 'STOPPED')
      throw new HerderError(
        400,
        `Connectors must be in the STOPPED state before their offsets can be modified. This can be done for the specified connector by issuing a 'PUT' request to the '/connectors/${name}/stop' endpoint`,
      );
    if (this.kind(config) !== 'source')
      throw new HerderError(
        501,
        'Altering offsets of sink connectors is done through the consumer group connect-' +
          name +
          ' (rivulet consumer-groups --reset-offsets)',
      );
  }

  validate(pluginClass: string, config: Record<string, string>): ConfigInfos {
    const name = config[CONNECTOR_CLASS] ?? pluginClass;
    let connector;
    try {
      connector = this.registry.connector(pluginClass);
    } catch (err) {
      throw new HerderError(400, (err as Error).message);
    }
    const def: ConfigDef = connectorConfigDef(connector.kind).merge(connector.config());
    const infos = def.validate(this.registry.connectorClassName(name), config);
    const extra = connector.validate?.(config) ?? {};
    for (const c of infos.configs) {
      const more = extra[c.definition.name];
      if (more !== undefined) c.value.errors.push(...more);
    }
    if (connector.kind === 'sink') {
      const topics = config['topics'] ?? '';
      const regex = config['topics.regex'] ?? '';
      const both = topics.trim() !== '' && regex.trim() !== '';
      const neither = topics.trim() === '' && regex.trim() === '';
      for (const c of infos.configs) {
        if (c.definition.name !== 'topics' && c.definition.name !== 'topics.regex') continue;
        if (both)
          c.value.errors.push(
            'topics and topics.regex are mutually exclusive options, but both are set.',
          );
        if (neither) c.value.errors.push('Must configure one of topics or topics.regex');
      }
    }
    infos.error_count = infos.configs.reduce((n, c) => n + c.value.errors.length, 0);
    return infos;
  }

  /** Validates a config about to be stored; a 400 lists every error. */
  protected checkConfig(name: string, config: Record<string, string>): void {
    if (name.trim() === '' || /[/\\]/.test(name) || name !== name.trim())
      throw new HerderError(400, `Connector name is invalid: "${name}"`);
    if (config['name'] !== undefined && config['name'] !== name)
      throw new HerderError(
        400,
        'Connector name configuration (' +
          config['name'] +
          ") doesn't match connector name in the URL (" +
          name +
          ')',
      );
    const cls = config[CONNECTOR_CLASS];
    if (cls === undefined)
      throw new HerderError(
        400,
        `Connector config {${Object.keys(config).join(', ')}} contains no connector type`,
      );
    const infos = this.validate(cls, { ...config, name });
    if (infos.error_count > 0) {
      const lines = infos.configs.flatMap((c) => c.value.errors.map((e) => `${e}`));
      throw new HerderError(
        400,
        `Connector configuration is invalid and contains the following ${infos.error_count} error(s):\n${lines.join('\n')}\nYou can also find the above list of errors at the endpoint \`/connector-plugins/{connectorType}/config/validate\``,
      );
    }
  }

  pluginConfig(plugin: string): ConfigKeyInfo[] | undefined {
    if (!this.registry.connectors.has(plugin)) return undefined;
    return this.registry
      .connector(plugin)
      .config()
      .validate(plugin, {})
      .configs.map((c) => c.definition);
  }

  plugins(connectorsOnly: boolean): { class: string; type: string; version: string }[] {
    const out: { class: string; type: string; version: string }[] = [];
    const seen = new Set<string>();
    for (const { className, make } of this.registry.connectors.values()) {
      if (seen.has(className)) continue;
      seen.add(className);
      const c = make();
      out.push({ class: className, type: c.kind, version: c.version() });
    }
    if (!connectorsOnly) {
      const add = (type: string, m: Map<string, { className: string }>) => {
        for (const { className } of m.values()) {
          if (seen.has(className)) continue;
          seen.add(className);
          out.push({ class: className, type, version: '' });
        }
      };
      add('converter', this.registry.converters);
      add('transformation', this.registry.transforms);
      add('predicate', this.registry.predicates);
    }
    return out.sort((a, b) => a.class.localeCompare(b.class));
  }
}

function trimTrace(s: Record<string, unknown>): Record<string, unknown> {
  const out = { ...s };
  if (out['trace'] === null) delete out['trace'];
  return out;
}

function trimGen(s: Record<string, unknown>): Record<string, unknown> {
  const out = { ...s };
  delete out['generation'];
  return out;
}
