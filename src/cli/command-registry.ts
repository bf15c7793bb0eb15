// The table of `rivulet` commands. Kept apart from main.ts so that command modules can
// register themselves without an import cycle.

export interface Command {
  summary: string;
  run(args: string[]): Promise<number>;
}

const commands = new Map<string, Command>();

/** Adds a command; `commands.ts` calls this for every command module. */
export function registerCommand(name: string, command: Command): void {
  commands.set(name, command);
}

export function findCommand(name: string): Command | undefined {
  return commands.get(name);
}

/** Registered commands by name, sorted. */
export function listCommands(): [string, Command][] {
  return [...commands].sort(([a], [b]) => a.localeCompare(b));
}
