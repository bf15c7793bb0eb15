// The worker runs what it is told to run (Kafka Connect's Worker; the herder decides): it
// instantiates connectors and asks them for task configs, and starts, pauses, resumes and
// stops source and sink tasks, reporting each state change to the status store.
import type { ClusterOptions, ProducerRecord } from '../../client/index.js';
import type { Logger } from '../../util/logger.js';
import type { Connector, TaskConfig } from '../connector.js';
import type { Plugins } from '../plugins.js';
import { TransformChain } from '../transforms/transform-chain.js';
import { CONNECTOR_CLASS, connectorConfigDef, errorSettings } from './connector-config.js';
import type { OffsetBackingStore, OffsetEntry } from './offset-store.js';
import { traceOf, type State, type StatusStore } from './status.js';
import { taskConverters } from './task-converters.js';
import { WorkerSinkTask } from './worker-sink-task.js';
import { WorkerSourceTask } from './worker-source-task.js';

export type TargetState = 'STARTED' | 'PAUSED' | 'STOPPED';

export interface WorkerOptions {
  workerId: string;
  cluster: ClusterOptions;
  workerConfig: Record<string, string>;
  plugins: Plugins;
  offsetStore: OffsetBackingStore;
  statusStore: StatusStore;
  logger: Logger;
  /** The group generation statuses are written with (0 for a standalone worker). */
  generation(): number;
  offsetFlushIntervalMs: number;
  /** KIP-618, when `exactly.once.source.support=enabled`. */
  exactlyOnce?: {
    transactionalId(connector: string, task: number): string;
    offsetRecords(
      connector: string,
      entries: readonly OffsetEntry[],
    ): Omit<ProducerRecord, 'partition'>[];
    offsetsCommitted(connector: string, entries: readonly OffsetEntry[]): void;
    readOffsetsToEnd(): Promise<void>;
  };
  /** Told when a connector asks for its tasks to be reconfigured. */
  onReconfigure?(connector: string): void;
}

interface RunningConnector {
  connector: Connector;
  config: Record<string, string>;
}

type RunningTask = WorkerSourceTask | WorkerSinkTask;

export class Worker {
  private readonly connectors = new Map<string, RunningConnector>();
  private readonly tasks = new Map<string, RunningTask>();

  constructor(private readonly o: WorkerOptions) {}

  get workerId(): string {
    return this.o.workerId;
  }

  isRunningConnector(name: string): boolean {
    return this.connectors.has(name);
  }

  runningTasks(): { connector: string; task: number }[] {
    return [...this.tasks.keys()].map(parseTaskId);
  }

  private status(name: string, task: number | null, state: State, err?: unknown): void {
    const s = {
      state,
      trace: err === undefined ? null : traceOf(err),
      workerId: this.o.workerId,
      generation: this.o.generation(),
    };
    if (task === null) this.o.statusStore.putConnector(name, s);
    else this.o.statusStore.putTask(name, task, s);
  }

  /** Starts a connector in its target state; a failure is its FAILED status, not a throw. */
  async startConnector(
    name: string,
    config: Record<string, string>,
    target: TargetState,
  ): Promise<boolean> {
    try {
      const connector = this.o.plugins.connector(config[CONNECTOR_CLASS] ?? '');
      if (target !== 'STOPPED')
        await connector.start(config, {
          requestTaskReconfiguration: () => this.o.onReconfigure?.(name),
          raiseError: (err) => this.status(name, null, 'FAILED', err),
        });
      this.connectors.set(name, { connector, config });
      this.status(
        name,
        null,
        target === 'STARTED' ? 'RUNNING' : target === 'PAUSED' ? 'PAUSED' : 'STOPPED',
      );
      return true;
    } catch (err) {
      this.o.logger.error(`Failed to start connector ${name}: ${(err as Error).message}`);
      this.status(name, null, 'FAILED', err);
      return false;
    }
  }

  async taskConfigs(name: string): Promise<TaskConfig[]> {
    const running = this.connectors.get(name);
    if (running === undefined) throw new Error(`Connector ${name} is not running on this worker`);
    const max = Number(running.config['tasks.max'] ?? '1');
    const configs = await running.connector.taskConfigs(max);
    // As Kafka: every task config also carries the connector's settings it needs to run.
    return configs.map((c) => ({ ...c, 'task.class': running.config[CONNECTOR_CLASS] ?? '' }));
  }

  async stopConnector(name: string): Promise<void> {
    const running = this.connectors.get(name);
    if (running === undefined) return;
    this.connectors.delete(name);
    try {
      await running.connector.stop();
    } catch (err) {
      this.o.logger.warn(`Connector ${name} failed while stopping: ${(err as Error).message}`);
    }
  }

  async startTask(
    name: string,
    task: number,
    connectorConfig: Record<string, string>,
    taskConfig: TaskConfig,
    target: TargetState,
  ): Promise<void> {
    const id = taskId(name, task);
    if (this.tasks.has(id)) return;
    if (target === 'STOPPED') return;
    try {
      const connector = this.o.plugins.connector(connectorConfig[CONNECTOR_CLASS] ?? '');
      const parsed = connectorConfigDef(connector.kind).parse(connectorConfig);
      const common = {
        connector: name,
        task,
        cluster: this.o.cluster,
        taskConfig,
        converters: taskConverters(connectorConfig, this.o.workerConfig, this.o.plugins),
        transforms: TransformChain.fromConfig(connectorConfig, this.o.plugins),
        errors: errorSettings(parsed),
        offsetFlushIntervalMs: this.o.offsetFlushIntervalMs,
        logger: this.o.logger,
        onFailure: (err: Error) => {
          this.o.logger.error(`Task ${id} failed: ${err.message}`);
          this.tasks.delete(id);
          this.status(name, task, 'FAILED', err);
        },
      };
      let running: RunningTask;
      if (connector.kind === 'sink') {
        running = new WorkerSinkTask(connector.taskFactory(), {
          ...common,
          topics: parsed['topics'] as string[],
          topicsRegex: parsed['topics.regex'] as string,
        });
      } else {
        const eos = this.o.exactlyOnce;
        running = new WorkerSourceTask(connector.taskFactory(), {
          ...common,
          offsetStore: this.o.offsetStore,
          ...(eos !== undefined && {
            transactionalId: eos.transactionalId(name, task),
            offsetRecords: (entries) => eos.offsetRecords(name, entries),
            offsetsCommitted: (entries) => eos.offsetsCommitted(name, entries),
            readOffsetsToEnd: () => eos.readOffsetsToEnd(),
          }),
        });
      }
      this.tasks.set(id, running);
      await running.start();
      if (target === 'PAUSED') running.pause();
      if (this.tasks.get(id) === running)
        this.status(name, task, target === 'PAUSED' ? 'PAUSED' : 'RUNNING');
    } catch (err) {
      this.tasks.delete(id);
      this.o.logger.error(`Failed to start task ${id}: ${(err as Error).message}`);
      this.status(name, task, 'FAILED', err);
    }
  }

  async stopTask(name: string, task: number): Promise<void> {
    const id = taskId(name, task);
    const running = this.tasks.get(id);
    if (running === undefined) return;
    this.tasks.delete(id);
    try {
      await running.stop();
    } catch (err) {
      this.o.logger.warn(`Task ${id} failed while stopping: ${(err as Error).message}`);
    }
  }

  /** Pauses or resumes a connector's tasks here (stop is the herder's: it stops them). */
  setTargetState(name: string, target: TargetState): void {
    if (this.connectors.has(name))
      this.status(
        name,
        null,
        target === 'PAUSED' ? 'PAUSED' : target === 'STOPPED' ? 'STOPPED' : 'RUNNING',
      );
    for (const [id, running] of this.tasks) {
      const t = parseTaskId(id);
      if (t.connector !== name) continue;
      if (target === 'PAUSED') running.pause();
      else running.resume();
      this.status(name, t.task, target === 'PAUSED' ? 'PAUSED' : 'RUNNING');
    }
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.runningTasks().map((t) => this.stopTask(t.connector, t.task)));
    await Promise.all([...this.connectors.keys()].map((n) => this.stopConnector(n)));
  }
}

export function taskId(connector: string, task: number): string {
  return `${connector}-${task}`;
}

function parseTaskId(id: string): { connector: string; task: number } {
  const at = id.lastIndexOf('-');
  return { connector: id.slice(0, at), task: Number(id.slice(at + 1)) };
}
