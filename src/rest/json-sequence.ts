// Bodies with several JSON values one after another (`{...}{...}` or one per line), as
// Confluent's v3 streamed produce takes them. A body with one value parses as JSON.parse does;
// a body with several becomes a JsonSequence, which only the records route accepts.
//
// The values' bounds are found first with a scan that jumps over strings with indexOf (record
// data is mostly long base64 strings), so each value is parsed once and a body is never
// parsed whole only to fail.

export class JsonSequence {
  constructor(readonly values: unknown[]) {}
}

/** JSON.parse for one value, a {@link JsonSequence} for several; SyntaxError otherwise. */
export function parseJsonOrSequence(text: string): unknown {
  const bounds = valueBounds(text);
  if (bounds === null || bounds.length <= 2) return JSON.parse(text) as unknown;
  const values: unknown[] = [];
  for (let i = 0; i < bounds.length; i += 2) {
    values.push(JSON.parse(text.slice(bounds[i], bounds[i + 1])) as unknown);
  }
  return new JsonSequence(values);
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * Start and end offsets of the top-level objects and arrays of `text`, or null when anything
 * but whitespace lies between them (JSON.parse then reports the error).
 */
function valueBounds(text: string): number[] | null {
  const out: number[] = [];
  let depth = 0;
  let start = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      if (depth === 0) return null;
      i = stringEnd(text, i);
      if (i < 0) return null;
    } else if (c === 0x7b || c === 0x5b) {
      if (depth === 0) start = i;
      depth++;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
      if (depth < 0) return null;
      if (depth === 0) out.push(start, i + 1);
    } else if (depth === 0 && c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) {
      return null;
    }
  }
  return depth === 0 ? out : null;
}

/** The index of the quote closing the string opened at `open`, or -1. */
function stringEnd(text: string, open: number): number {
  let at = open;
  for (;;) {
    at = text.indexOf('"', at + 1);
    if (at < 0) return -1;
    // The quote is escaped when an odd number of backslashes precede it.
    let slashes = 0;
    while (text.charCodeAt(at - 1 - slashes) === BACKSLASH) slashes++;
    if (slashes % 2 === 0) return at;
  }
}
