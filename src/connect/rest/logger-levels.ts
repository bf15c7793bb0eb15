// The levels behind `/admin/loggers` (KIP-495): a named logger's level can be read and changed
// at run time; a change applies to that logger and every logger under it, as log4j's
// hierarchy does, and answers the names it changed.
import { parseLogLevel, type LogLevel } from '../../util/logger.js';

export class LoggerLevels {
  private readonly levels = new Map<string, { level: LogLevel; last_modified: number | null }>();

  constructor(rootLevel: LogLevel = 'info', names: readonly string[] = []) {
    this.levels.set('root', { level: rootLevel, last_modified: null });
    for (const n of names) this.levels.set(n, { level: rootLevel, last_modified: null });
  }

  all(): Record<string, { level: string; last_modified: number | null }> {
    return Object.fromEntries(
      [...this.levels]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([n, l]) => [n, { level: l.level.toUpperCase(), last_modified: l.last_modified }]),
    );
  }

  get(name: string): string | undefined {
    return this.levels.get(name)?.level.toUpperCase();
  }

  /** The effective level of a logger: its own, or its nearest ancestor's. */
  effective(name: string): LogLevel {
    for (let n = name; ; n = n.slice(0, n.lastIndexOf('.'))) {
      const l = this.levels.get(n);
      if (l !== undefined) return l.level;
      if (!n.includes('.')) return this.levels.get('root')!.level;
    }
  }

  set(name: string, levelText: string): string[] | undefined {
    const level = parseLogLevel(levelText);
    if (level === null) return undefined;
    const now = Date.now();
    const changed = [
      name,
      ...[...this.levels.keys()].filter((n) => name === 'root' || n.startsWith(`${name}.`)),
    ];
    for (const n of new Set(changed)) this.levels.set(n, { level, last_modified: now });
    return [...new Set(changed)].sort();
  }
}
