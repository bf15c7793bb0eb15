// `rivulet <command>`: the command-line entry point. Each command lives in its own module and
// is loaded only when asked for, so `rivulet --help` stays fast.

import { VERSION } from '../util/version.js';
import { findCommand, listCommands } from './command-registry.js';
import './commands.js';

export { registerCommand, type Command } from './command-registry.js';

function usage(): string {
  const lines = [
    'Usage: rivulet <command> [options]',
    '',
    'A Kafka-compatible event streaming platform.',
    '',
    'Commands:',
  ];
  const commands = listCommands();
  if (commands.length === 0) lines.push('  (none yet)');
  for (const [name, command] of commands) lines.push(`  ${name.padEnd(22)}${command.summary}`);
  lines.push(
    '',
    'Run `rivulet help <command>` or `rivulet <command> --help` for the options of a command,',
    '`rivulet --version` for the version.',
  );
  return lines.join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h') {
    console.log(usage());
    return name === undefined ? 1 : 0;
  }
  // `rivulet help topics` is `rivulet topics --help`.
  if (name === 'help') return rest[0] === undefined ? (console.log(usage()), 0) : help(rest[0]);
  if (name === '--version' || name === '-V' || name === 'version') {
    console.log(VERSION);
    return 0;
  }
  const command = findCommand(name);
  if (command === undefined) {
    console.error(`rivulet: unknown command '${name}'.\n\n${usage()}`);
    return 2;
  }
  // Every command answers --version, as Kafka's tools do.
  if (rest.includes('--version')) {
    console.log(VERSION);
    return 0;
  }
  return command.run(rest);
}

function help(name: string): Promise<number> | number {
  const command = findCommand(name);
  if (command === undefined) {
    console.error(`rivulet: unknown command '${name}'.\n\n${usage()}`);
    return 2;
  }
  return command.run(['--help']);
}

export { VERSION };
