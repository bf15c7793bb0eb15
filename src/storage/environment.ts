// What storage needs from the world: the pieces of the Environment (src/util/environment.ts)
// it uses, injected so tests control time, randomness and output.
import type { Logger } from '../util/index.js';

export {
  silentLogger,
  systemClock,
  systemRandom,
  systemTimers,
  type Clock,
  type Timers,
} from '../util/index.js';

/** Storage reports through the project's one Logger type. */
export type StorageLogger = Logger;
