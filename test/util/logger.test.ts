import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  createLogger,
  describeError,
  namedLogger,
  parseLogLevel,
  silentLogger,
} from '../../src/util/index.js';

const AT = Date.UTC(2026, 0, 2, 3, 4, 5, 6);

function capture(options: Parameters<typeof createLogger>[0] = {}) {
  const lines: string[] = [];
  const logger = createLogger({ clock: () => AT, write: (l) => lines.push(l), ...options });
  return { logger, lines };
}

test('text lines follow Kafka’s log4j layout, one per event, with the logger name', () => {
  const { logger, lines } = capture();
  namedLogger(logger, 'kafka.log').info('rolled segment', { log: 't-0', baseOffset: 10 });
  logger.warn('two\nlines');
  assert.equal(lines.length, 2);
  assert.ok(lines.every((l) => l.endsWith('\n') && l.indexOf('\n') === l.length - 1));
  assert.match(
    lines[0]!,
    /^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}\] INFO rolled segment log=t-0 baseOffset=10 \(kafka\.log\)\n$/,
  );
  assert.match(lines[1]!, /\] WARN two \| lines\n$/);
});

test('levels below the threshold are dropped', () => {
  const { logger, lines } = capture({ level: 'warn' });
  logger.debug('d');
  logger.info('i');
  logger.warn('w');
  logger.error('e');
  assert.deepEqual(
    lines.map((l) => /\] (\w+) /.exec(l)![1]),
    ['WARN', 'ERROR'],
  );
});

test('json lines carry time, level, logger, message and fields; errors with their causes', () => {
  const { logger, lines } = capture({ format: 'json' });
  const err = new Error('append failed', { cause: new Error('ENOSPC: no space left') });
  namedLogger(logger, 'kafka.server').error('write failed', { err, partition: 3 });
  const parsed = JSON.parse(lines[0]!) as Record<string, unknown>;
  assert.deepEqual(parsed, {
    time: new Date(AT).toISOString(),
    level: 'ERROR',
    logger: 'kafka.server',
    message: 'write failed',
    err: 'append failed (caused by: ENOSPC: no space left)',
    partition: 3,
  });
});

test('level names parse as log4j writes them; unknown ones do not', () => {
  assert.equal(parseLogLevel('DEBUG'), 'debug');
  assert.equal(parseLogLevel('warning'), 'warn');
  assert.equal(parseLogLevel('TRACE'), 'debug');
  assert.equal(parseLogLevel('loud'), null);
  assert.equal(describeError('plain'), 'plain');
  // A logger without names gives itself for any name.
  assert.equal(namedLogger(silentLogger, 'kafka.log'), silentLogger);
});

test('json lines (pino) keep the level threshold, logger names and one line per event', () => {
  const { logger, lines } = capture({ format: 'json', level: 'info' });
  const group = namedLogger(logger, 'kafka.coordinator.group');
  group.debug('dropped');
  group.info('Loaded group', { group: 'g', offset: 12n, members: ['a', 'b'] });
  logger.warn('two\nlines');
  assert.equal(lines.length, 2);
  assert.ok(lines.every((l) => l.endsWith('\n') && l.indexOf('\n') === l.length - 1));
  assert.deepEqual(JSON.parse(lines[0]!), {
    time: new Date(AT).toISOString(),
    level: 'INFO',
    logger: 'kafka.coordinator.group',
    message: 'Loaded group',
    group: 'g',
    offset: '12',
    members: ['a', 'b'],
  });
  assert.deepEqual(JSON.parse(lines[1]!).message, 'two\nlines');
});
