// The broker reports through an injected logger so that tests stay quiet and several brokers
// in one process can log to different places.

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  debug(message: string): void;
}

/** Writes warnings and errors to stderr and information to stdout; debug only when asked. */
export function consoleLogger(options: { debug?: boolean } = {}): Logger {
  return {
    info: (message) => console.log(message),
    warn: (message) => console.error(`WARN ${message}`),
    error: (message) => console.error(`ERROR ${message}`),
    debug: (message) => {
      if (options.debug === true) console.error(`DEBUG ${message}`);
    },
  };
}

/** Discards everything: for tests and embedded use. */
export const silentLogger: Logger = {
  info: () => {},
  warn: () => {},
  error: () => {},
  debug: () => {},
};
