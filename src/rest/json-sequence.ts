// Bodies with several JSON values one after another (`{...}{...}` or one per line), as
// Confluent's v3 streamed produce takes them. A body with one value parses as JSON.parse does;
// a body with several becomes a JsonSequence, which only the records route accepts.

export class JsonSequence {
  constructor(readonly values: unknown[]) {}
}

/** JSON.parse for one value, a {@link JsonSequence} for several; SyntaxError otherwise. */
export function parseJsonOrSequence(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    const values = splitValues(text);
    if (values === null || values.length < 2) throw err;
    return new JsonSequence(values.map((v) => JSON.parse(v) as unknown));
  }
}

/** The top-level objects and arrays of `text`, or null when something else is in between. */
function splitValues(text: string): string[] | null {
  const out: string[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) {
      if (depth === 0) return null;
      inString = true;
    } else if (c === 0x7b || c === 0x5b) {
      if (depth === 0) start = i;
      depth++;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
      if (depth < 0) return null;
      if (depth === 0) out.push(text.slice(start, i + 1));
    } else if (depth === 0 && c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) {
      return null;
    }
  }
  return depth === 0 ? out : null;
}
