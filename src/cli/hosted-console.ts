// The web console hosted in the broker's process by `rivulet start`: the Rivulet-only keys
// `console.listener=http://HOST:PORT` (and optionally `console.metrics.url`) start the console
// once the broker listens, connected to the broker's own advertised listener through the
// client like any other cluster, so the console never reaches into broker internals.
import { readBasicAuthUsers, startConsole, type RunningConsole } from '../console/index.js';

export const CONSOLE_LISTENER = 'console.listener';
export const CONSOLE_METRICS_URL = 'console.metrics.url';
/** A file of `user:password` lines: the console then asks for a login (HTTP Basic). */
export const CONSOLE_BASIC_AUTH_USERS = 'console.auth.basic.users';

export interface HostedConsoleConfig {
  host: string;
  port: number;
  metricsUrl?: string;
  basicAuthUsersFile?: string;
}

/**
 * Removes the console's keys from the broker properties (the broker does not know them) and
 * returns the console's settings, null when none are set, or a message for a bad value.
 */
export function takeConsoleConfig(props: Map<string, string>): HostedConsoleConfig | null | string {
  const listener = props.get(CONSOLE_LISTENER);
  const metricsUrl = props.get(CONSOLE_METRICS_URL);
  const usersFile = props.get(CONSOLE_BASIC_AUTH_USERS);
  props.delete(CONSOLE_LISTENER);
  props.delete(CONSOLE_METRICS_URL);
  props.delete(CONSOLE_BASIC_AUTH_USERS);
  if (listener === undefined) {
    if (usersFile !== undefined) return `${CONSOLE_BASIC_AUTH_USERS} needs ${CONSOLE_LISTENER}`;
    return metricsUrl === undefined ? null : `${CONSOLE_METRICS_URL} needs ${CONSOLE_LISTENER}`;
  }
  const m = /^http:\/\/(\[[^\]]+\]|[^:/]*):(\d+)\/?$/.exec(listener.trim());
  if (m === null || Number(m[2]) > 65535)
    return `${CONSOLE_LISTENER} '${listener}' is not http://HOST:PORT`;
  const host = m[1]!.replace(/^\[|\]$/g, '') || '0.0.0.0';
  return {
    host,
    port: Number(m[2]),
    ...(metricsUrl === undefined ? {} : { metricsUrl }),
    ...(usersFile === undefined ? {} : { basicAuthUsersFile: usersFile }),
  };
}

export function startHostedConsole(
  config: HostedConsoleConfig,
  bootstrap: string,
): Promise<RunningConsole> {
  return startConsole({
    bootstrapServers: bootstrap,
    host: config.host,
    port: config.port,
    client: { clientId: 'rivulet-console' },
    ...(config.metricsUrl === undefined ? {} : { metricsUrl: config.metricsUrl }),
    ...(config.basicAuthUsersFile === undefined
      ? {}
      : { basicAuthUsers: readBasicAuthUsers(config.basicAuthUsersFile) }),
  });
}
