// Connector and task states as Kafka Connect reports them in `/status`, and where they are
// kept: in memory for a standalone worker, in `status.storage.topic` for distributed ones
// (keys `status-connector-<name>` and `status-task-<name>-<id>`, values
// `{"state", "trace", "worker_id", "generation"}` as Kafka writes them).
export type State = 'UNASSIGNED' | 'RUNNING' | 'PAUSED' | 'STOPPED' | 'FAILED' | 'RESTARTING';

export interface Status {
  state: State;
  trace: string | null;
  workerId: string;
  generation: number;
}

export interface StatusStore {
  putConnector(name: string, status: Status): void;
  putTask(name: string, task: number, status: Status): void;
  connector(name: string): Status | undefined;
  tasks(name: string): Map<number, Status>;
  /** Forgets a deleted connector. */
  remove(name: string): void;
}

export class MemoryStatusStore implements StatusStore {
  protected readonly connectors = new Map<string, Status>();
  protected readonly taskStates = new Map<string, Map<number, Status>>();

  putConnector(name: string, status: Status): void {
    this.connectors.set(name, status);
  }

  putTask(name: string, task: number, status: Status): void {
    let m = this.taskStates.get(name);
    if (m === undefined) this.taskStates.set(name, (m = new Map()));
    m.set(task, status);
  }

  connector(name: string): Status | undefined {
    return this.connectors.get(name);
  }

  tasks(name: string): Map<number, Status> {
    return this.taskStates.get(name) ?? new Map();
  }

  remove(name: string): void {
    this.connectors.delete(name);
    this.taskStates.delete(name);
  }
}

export function statusJson(s: Status): Record<string, unknown> {
  return { state: s.state, trace: s.trace, worker_id: s.workerId, generation: s.generation };
}

export function traceOf(err: unknown): string {
  if (err instanceof Error) {
    let text = err.stack ?? `${err.name}: ${err.message}`;
    if (err.cause instanceof Error) text += `\nCaused by: ${err.cause.stack ?? err.cause.message}`;
    return text;
  }
  return String(err);
}
