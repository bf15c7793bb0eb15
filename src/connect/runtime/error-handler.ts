// KIP-298's error handling around the stages of a record's trip (KEY_CONVERTER,
// VALUE_CONVERTER, HEADER_CONVERTER, TRANSFORMATION, TASK_PUT, …): a retriable failure is
// retried with growing delays until `errors.retry.timeout`; then, with
// `errors.tolerance=none`, the task fails; with `all`, the record is skipped, logged when
// `errors.log.enable`, and (sinks) written as it was read to the dead letter queue, with
// `__connect.errors.*` context headers when asked.
import type { Logger } from '../../util/logger.js';
import { RetriableError } from '../connector.js';
import type { ErrorSettings } from './connector-config.js';

export type Stage =
  | 'KEY_CONVERTER'
  | 'VALUE_CONVERTER'
  | 'HEADER_CONVERTER'
  | 'TRANSFORMATION'
  | 'TASK_PUT'
  | 'TASK_POLL'
  | 'KAFKA_PRODUCE'
  | 'KAFKA_CONSUME';

/** The original record a failure happened on, for the log and the dead letter queue. */
export interface FailedRecord {
  topic: string;
  partition: number;
  offset?: bigint;
  key: Buffer | null;
  value: Buffer | null;
  headers: { key: string; value: Buffer | null }[];
}

export interface DeadLetterSink {
  send(record: FailedRecord, headers: { key: string; value: Buffer }[]): Promise<void>;
}

/** Thrown when a failure is not tolerated: the task fails with it. */
export class ToleranceExceededError extends Error {
  override readonly name = 'ConnectException';
}

export const SKIPPED = Symbol('skipped');

export class ErrorHandler {
  /** Records skipped so far, for status and tests. */
  skipped = 0;

  constructor(
    private readonly settings: ErrorSettings,
    private readonly context: {
      connector: string;
      task: number;
      logger: Logger;
      dlq?: DeadLetterSink;
    },
  ) {}

  /** Runs `op`; answers its result, or SKIPPED when the failure is tolerated. */
  async execute<T>(
    stage: Stage,
    record: FailedRecord | undefined,
    op: () => T | Promise<T>,
  ): Promise<T | typeof SKIPPED> {
    const deadline =
      this.settings.retryTimeoutMs < 0 ? Infinity : Date.now() + this.settings.retryTimeoutMs;
    let delayMs = 300;
    for (;;) {
      try {
        return await op();
      } catch (err) {
        if (err instanceof RetriableError && Date.now() + delayMs <= deadline) {
          await new Promise((r) => setTimeout(r, delayMs));
          delayMs = Math.min(delayMs * 2, this.settings.retryDelayMaxMs);
          continue;
        }
        return this.fail(stage, record, err as Error);
      }
    }
  }

  private async fail(
    stage: Stage,
    record: FailedRecord | undefined,
    err: Error,
  ): Promise<typeof SKIPPED> {
    if (this.settings.tolerance === 'none')
      throw new ToleranceExceededError(
        `Tolerance exceeded in error handler: ${stage} failed: ${err.message}`,
        { cause: err },
      );
    this.skipped++;
    if (this.settings.logEnable) {
      const where =
        record === undefined
          ? ''
          : ` on ${record.topic}-${record.partition}${record.offset === undefined ? '' : `@${record.offset}`}`;
      this.context.logger.error(
        `Error encountered in task ${this.context.connector}-${this.context.task}. Executing stage '${stage}'${where}: ${err.message}`,
        this.settings.logIncludeMessages && record !== undefined
          ? { key: record.key?.toString('base64'), value: record.value?.toString('base64') }
          : undefined,
      );
    }
    if (record !== undefined && this.context.dlq !== undefined && this.settings.dlqTopic !== '') {
      const headers = this.settings.dlqContextHeaders
        ? this.contextHeaders(stage, record, err)
        : [];
      await this.context.dlq.send(record, headers);
    }
    return SKIPPED;
  }

  private contextHeaders(
    stage: Stage,
    record: FailedRecord,
    err: Error,
  ): { key: string; value: Buffer }[] {
    const h = (key: string, value: string) => ({
      key: `__connect.errors.${key}`,
      value: Buffer.from(value),
    });
    return [
      h('topic', record.topic),
      h('partition', String(record.partition)),
      ...(record.offset === undefined ? [] : [h('offset', String(record.offset))]),
      h('connector.name', this.context.connector),
      h('task.id', String(this.context.task)),
      h('stage', stage),
      h('class.name', err.constructor.name),
      h('exception.class.name', err.name),
      h('exception.message', err.message),
      h('exception.stacktrace', err.stack ?? err.message),
    ];
  }
}
