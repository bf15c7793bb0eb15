// When a partition log is flushed: the flush.messages policy, decided here for the log and for
// the broker's produce path alike.
import type { LogConfig } from './log-config.js';

/**
 * flush.messages, measured as Kafka's UnifiedLog measures it: an append must be followed by a
 * flush once the offsets not yet known durable (the log end offset minus the recovery point)
 * reach flush.messages. The log then starts that flush in the background; a produce with
 * acks=all waits for a flush before it is answered.
 */
export function flushAfterAppend(
  log: { readonly logEndOffset: number; readonly recoveryPoint: number },
  config: Pick<LogConfig, 'flushMessages'>,
): boolean {
  return log.logEndOffset - log.recoveryPoint >= config.flushMessages;
}
