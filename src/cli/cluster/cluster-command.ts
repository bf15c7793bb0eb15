// `rivulet cluster <subcommand>`: only `up` for now.
import { runClusterUp } from './cluster-up.js';

const HELP = `Usage: rivulet cluster up [options]

  up    Start etcd and N brokers on this machine; see rivulet cluster up --help.`;

export function runCluster(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'up') return runClusterUp(rest);
  if (sub === '-h' || sub === '--help') {
    console.log(HELP);
    return Promise.resolve(0);
  }
  console.error(
    `${sub === undefined ? 'missing subcommand' : `unknown subcommand ${sub}`}\n\n${HELP}`,
  );
  return Promise.resolve(2);
}
