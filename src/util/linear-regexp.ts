// Regular expressions that arrive from the network (topic patterns of KIP-848 members,
// transactional-id filters of ListTransactions) must never stall the event loop: a pattern such
// as `(a+)+$` makes a backtracking engine take seconds per match, and one such request would
// freeze every connection. Kafka uses RE2/J, which runs in linear time and has no
// backreferences or lookarounds. V8 has a linear-time engine too, behind the `l` flag: such
// patterns compile with it, and those it cannot run in linear time (backreferences,
// lookarounds — not RE2 syntax either) are refused.
import { setFlagsFromString } from 'node:v8';

let linearFlag: string | null | undefined;

function linearFlagSupported(): string | null {
  if (linearFlag === undefined) {
    setFlagsFromString('--enable-experimental-regexp-engine');
    try {
      // eslint-disable-next-line no-invalid-regexp -- `l` exists once the V8 flag above is set
      new RegExp('a', 'l');
      linearFlag = 'l';
    } catch {
      linearFlag = null;
    }
  }
  return linearFlag;
}

/**
 * A matcher of whole strings for `pattern`, running in linear time; null when the pattern is
 * not valid, or cannot run in linear time, or this V8 has no linear-time engine (then no
 * pattern from the network is accepted).
 */
export function compileLinearRegExp(pattern: string): RegExp | null {
  const flag = linearFlagSupported();
  if (flag === null) return null;
  try {
    return new RegExp(`^(?:${pattern})$`, flag);
  } catch {
    return null;
  }
}
