// The one logger type of the project. Every layer reports through an injected Logger, so tests
// stay quiet (or capture lines) and several brokers in one process can log to different places.
// Lines carry Kafka's log4j logger names (kafka.server, kafka.log, kafka.coordinator.group,
// kafka.coordinator.transaction, ...), so what an operator knows from Kafka's logs carries over.
// JSON lines are pino's (createLogger with format 'json'); the text layout is Kafka's own.
import { pino, type Logger as PinoLogger } from 'pino';

export type LogLevel = 'error' | 'warn' | 'info' | 'debug';
export type LogFields = Readonly<Record<string, unknown>>;

export interface Logger {
  error(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  debug(message: string, fields?: LogFields): void;
  /** The same logger under a component's name; loggers without names return themselves. */
  child?(name: string): Logger;
}

/** `logger` under `name` (log4j style: kafka.coordinator.group) if it keeps names. */
export function namedLogger(logger: Logger, name: string): Logger {
  return logger.child?.(name) ?? logger;
}

export const LOG_LEVELS: readonly LogLevel[] = ['error', 'warn', 'info', 'debug'];

/** Reads a level name (any case; log4j's WARNING and TRACE map to warn and debug). */
export function parseLogLevel(text: string): LogLevel | null {
  const t = text.trim().toLowerCase();
  if (t === 'warning') return 'warn';
  if (t === 'trace') return 'debug';
  return (LOG_LEVELS as readonly string[]).includes(t) ? (t as LogLevel) : null;
}

/** Discards everything: the default of embedded brokers and tests. */
export const silentLogger: Logger = {
  error: () => {},
  warn: () => {},
  info: () => {},
  debug: () => {},
};

export interface LogRecord {
  time: number;
  level: LogLevel;
  /** log4j-style logger name; '' for the root logger. */
  logger: string;
  message: string;
  fields: LogFields;
}

export interface TextLoggerOptions {
  /** Lowest level written. Default info. */
  level?: LogLevel;
  /** `text` (default): Kafka's log4j layout, one line per event; `json`: one object per line. */
  format?: 'text' | 'json';
  /** Where each finished line goes (with its newline). Default: process.stderr. */
  write?: (line: string) => void;
  /** Milliseconds since the epoch. Default Date.now. */
  clock?: () => number;
}

/**
 * A logger that writes one line per event at or above its level: Kafka's log4j layout for
 * people, or with `format: 'json'` pino's JSON lines for log shippers.
 */
export function createLogger(options: TextLoggerOptions = {}): Logger {
  if (options.format === 'json') return createPinoLogger(options);
  const threshold = LOG_LEVELS.indexOf(options.level ?? 'info');
  const format = formatText;
  const write = options.write ?? ((line: string) => void process.stderr.write(line));
  const clock = options.clock ?? Date.now;
  const make = (name: string): Logger => {
    const at =
      (level: LogLevel) =>
      (message: string, fields: LogFields = {}): void => {
        if (LOG_LEVELS.indexOf(level) > threshold) return;
        write(format({ time: clock(), level, logger: name, message, fields }) + '\n');
      };
    return {
      error: at('error'),
      warn: at('warn'),
      info: at('info'),
      debug: at('debug'),
      child: (child) => make(child),
    };
  };
  return make('');
}

/**
 * JSON lines through pino: `{"level":"INFO","time":"…","logger":"kafka.server",…fields,
 * "message":"…"}`. Each log4j logger name is a pino child binding; errors are written with
 * their chain of causes and bigints as strings, as formatJson writes them.
 */
function createPinoLogger(options: TextLoggerOptions): Logger {
  const write = options.write ?? ((line: string) => void process.stderr.write(line));
  const clock = options.clock ?? Date.now;
  const root = pino(
    {
      level: options.level ?? 'info',
      base: null,
      messageKey: 'message',
      timestamp: () => `,"time":"${new Date(clock()).toISOString()}"`,
      formatters: { level: (label) => ({ level: label.toUpperCase() }) },
    },
    // A plain object destination: pino writes each finished line to it synchronously.
    { write },
  );
  const wrap = (p: PinoLogger): Logger => {
    const at =
      (level: LogLevel) =>
      (message: string, fields: LogFields = {}): void => {
        if (p.isLevelEnabled(level)) p[level](plainFields(fields), message);
      };
    return {
      error: at('error'),
      warn: at('warn'),
      info: at('info'),
      debug: at('debug'),
      child: (name) => wrap(root.child({ logger: name })),
    };
  };
  return wrap(root.child({ logger: '' }));
}

/** Fields as JSON takes them: errors described with their causes, bigints as strings. */
function plainFields(fields: LogFields): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (key === 'time' || key === 'level' || key === 'logger' || key === 'message') continue;
    out[key] =
      value instanceof Error
        ? describeError(value)
        : typeof value === 'bigint'
          ? value.toString()
          : value;
  }
  return out;
}

/** A logger that keeps every record, for tests: `records` grows as the broker logs. */
export function memoryLogger(level: LogLevel = 'debug'): Logger & { records: LogRecord[] } {
  const records: LogRecord[] = [];
  const threshold = LOG_LEVELS.indexOf(level);
  const make = (name: string): Logger => {
    const at =
      (lvl: LogLevel) =>
      (message: string, fields: LogFields = {}): void => {
        if (LOG_LEVELS.indexOf(lvl) > threshold) return;
        records.push({ time: Date.now(), level: lvl, logger: name, message, fields });
      };
    return {
      error: at('error'),
      warn: at('warn'),
      info: at('info'),
      debug: at('debug'),
      child: (child) => make(child),
    };
  };
  return Object.assign(make(''), { records });
}

/** `[2026-12-07 18:50:05,123] INFO message key=value (kafka.server)`: Kafka's log4j layout. */
export function formatText(record: LogRecord): string {
  const d = new Date(record.time);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  const stamp =
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())},${pad(d.getMilliseconds(), 3)}`;
  let line = `[${stamp}] ${record.level.toUpperCase()} ${oneLine(record.message)}`;
  for (const [key, value] of Object.entries(record.fields)) {
    if (value instanceof Error) line += ` ${key}=${oneLine(describeError(value))}`;
    else if (value !== undefined) line += ` ${key}=${oneLine(textValue(value))}`;
  }
  return record.logger === '' ? line : `${line} (${record.logger})`;
}

/** `{"time":"…","level":"INFO","logger":"kafka.server","message":"…",…fields}`. */
export function formatJson(record: LogRecord): string {
  const out: Record<string, unknown> = {
    time: new Date(record.time).toISOString(),
    level: record.level.toUpperCase(),
    logger: record.logger,
    message: record.message,
  };
  for (const [key, value] of Object.entries(record.fields)) {
    if (!(key in out)) out[key] = value instanceof Error ? describeError(value) : value;
  }
  return JSON.stringify(out, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
}

/** An error with its chain of causes: `message (caused by: message (caused by: …))`. */
export function describeError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const own = err.message === '' ? err.name : err.message;
  return err.cause === undefined ? own : `${own} (caused by: ${describeError(err.cause)})`;
}

function textValue(value: unknown): string {
  if (typeof value === 'string') return /[\s"=]/.test(value) ? JSON.stringify(value) : value;
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return `[${value.map(textValue).join(',')}]`;
  if (value !== null && typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** Keeps an event on one line. */
function oneLine(text: string): string {
  return text.includes('\n') ? text.replace(/\r?\n\s*/g, ' | ') : text;
}
