// A standalone worker's herder (`rivulet connect-standalone`): one process, configs in memory
// (from the connector properties files given at start, and the REST API), offsets in
// `offset.storage.file.filename`. Every change is applied at once on the one worker.
import type { TaskConfig } from '../connector.js';
import type { Plugins } from '../plugins.js';
import {
  BaseHerder,
  HerderError,
  type ConnectorInfo,
  type Herder,
  type RestartOptions,
} from './herder.js';
import type { OffsetBackingStore, OffsetEntry } from './offset-store.js';
import type { StatusStore } from './status.js';
import type { TargetState, Worker } from './worker.js';
import { SerialQueue } from '../../util/serial-queue.js';

export class StandaloneHerder extends BaseHerder implements Herder {
  /** Changes apply one at a time, in the order they came. */
  private readonly queue = new SerialQueue();

  constructor(
    private readonly worker: Worker,
    plugins: Plugins,
    statusStore: StatusStore,
    offsetStore: OffsetBackingStore,
  ) {
    super(plugins, statusStore, offsetStore);
  }

  async start(): Promise<void> {
    await this.offsetStore.start();
  }

  async stop(): Promise<void> {
    await this.queue.run(() => this.worker.stopAll());
    await this.offsetStore.stop();
  }

  putConnectorConfig(
    name: string,
    config: Record<string, string>,
    allowReplace: boolean,
  ): Promise<{ created: boolean; info: ConnectorInfo }> {
    return this.queue.run(async () => {
      const full = { ...config, name };
      this.checkConfig(name, full);
      const exists = this.state.configs.has(name);
      if (exists && !allowReplace) throw new HerderError(409, `Connector ${name} already exists`);
      if (exists) await this.stopConnectorAndTasks(name);
      this.state.configs.set(name, full);
      await this.startConnectorAndTasks(name);
      return { created: !exists, info: this.connectorInfo(name) };
    });
  }

  async patchConnectorConfig(
    name: string,
    patch: Record<string, string | null>,
  ): Promise<ConnectorInfo> {
    const merged: Record<string, string> = { ...this.config(name) };
    for (const [k, v] of Object.entries(patch)) {
      if (v === null) delete merged[k];
      else merged[k] = v;
    }
    return (await this.putConnectorConfig(name, merged, true)).info;
  }

  deleteConnector(name: string): Promise<void> {
    return this.queue.run(async () => {
      this.config(name);
      await this.stopConnectorAndTasks(name);
      this.state.configs.delete(name);
      this.state.taskConfigs.delete(name);
      this.state.targets.delete(name);
      this.statusStore.remove(name);
    });
  }

  private async startConnectorAndTasks(name: string): Promise<void> {
    const config = this.config(name);
    const target = this.state.target(name);
    const ok = await this.worker.startConnector(name, config, target);
    if (!ok || target === 'STOPPED') {
      if (target === 'STOPPED') this.state.taskConfigs.set(name, []);
      return;
    }
    const taskConfigs: TaskConfig[] = await this.worker.taskConfigs(name);
    this.state.taskConfigs.set(name, taskConfigs);
    await Promise.all(
      taskConfigs.map((tc, i) => this.worker.startTask(name, i, config, tc, target)),
    );
  }

  private async stopConnectorAndTasks(name: string): Promise<void> {
    const count = this.state.taskConfigs.get(name)?.length ?? 0;
    await Promise.all(Array.from({ length: count }, (_v, i) => this.worker.stopTask(name, i)));
    await this.worker.stopConnector(name);
  }

  restartConnector(name: string, options: RestartOptions): Promise<Record<string, unknown> | null> {
    return this.queue.run(async () => {
      this.config(name);
      const connectorFailed = this.statusStore.connector(name)?.state === 'FAILED';
      const restartConnector = !options.onlyFailed || connectorFailed;
      const tasks = (this.state.taskConfigs.get(name) ?? [])
        .map((_c, i) => i)
        .filter(
          (i) =>
            options.includeTasks &&
            (!options.onlyFailed || this.statusStore.tasks(name).get(i)?.state === 'FAILED'),
        );
      if (!options.includeTasks && !options.onlyFailed) {
        // Kafka's plain restart: the connector only, answered with 204.
        await this.worker.stopConnector(name);
        await this.worker.startConnector(name, this.config(name), this.state.target(name));
        return null;
      }
      if (restartConnector) {
        await this.worker.stopConnector(name);
        await this.worker.startConnector(name, this.config(name), this.state.target(name));
      }
      for (const i of tasks) {
        await this.worker.stopTask(name, i);
        await this.worker.startTask(
          name,
          i,
          this.config(name),
          this.state.taskConfigs.get(name)![i]!,
          this.state.target(name),
        );
      }
      return this.connectorStatus(name);
    });
  }

  restartTask(name: string, task: number): Promise<void> {
    return this.queue.run(async () => {
      const config = this.config(name);
      const tc = this.state.taskConfigs.get(name)?.[task];
      if (tc === undefined) throw new HerderError(404, `Task ${name}-${task} not found`);
      await this.worker.stopTask(name, task);
      await this.worker.startTask(name, task, config, tc, this.state.target(name));
    });
  }

  setTargetState(name: string, target: TargetState): Promise<void> {
    return this.queue.run(async () => {
      this.config(name);
      const before = this.state.target(name);
      this.state.targets.set(name, target);
      if (target === 'STOPPED') {
        await this.stopConnectorAndTasks(name);
        this.state.taskConfigs.set(name, []);
        await this.worker.startConnector(name, this.config(name), 'STOPPED');
        return;
      }
      if (before === 'STOPPED') {
        await this.worker.stopConnector(name);
        await this.startConnectorAndTasks(name);
        return;
      }
      this.worker.setTargetState(name, target);
    });
  }

  alterOffsets(name: string, entries: OffsetEntry[] | null): Promise<string> {
    return this.queue.run(async () => {
      this.checkStoppedForOffsets(name);
      const write =
        entries ??
        this.offsetStore.all(name).map((e) => ({ partition: e.partition, offset: null }));
      await this.offsetStore.set(name, write);
      return entries === null
        ? 'The offsets for this connector have been reset successfully'
        : 'The offsets for this connector have been altered successfully';
    });
  }
}
