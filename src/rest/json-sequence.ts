// Bodies with several JSON values one after another (`{...}{...}` or one per line), as
// Confluent's v3 streamed produce takes them. A body with one value parses as JSON.parse does;
// a body with several becomes a JsonSequence, which only the records route accepts.
//
// The values' bounds are found first with a scan that jumps over strings with indexOf (record
// data is mostly long base64 strings), so each value is parsed once and a body is never
// parsed whole only to fail.

export class JsonSequence {
  constructor(
    private readonly text: string,
    /** Start and end offsets of each value in `text`. */
    private readonly bounds: readonly number[],
  ) {}

  /** How many values the body holds. */
  get length(): number {
    return this.bounds.length / 2;
  }

  /**
   * The value at `index`, parsed when asked for (a SyntaxError if it is not JSON): a consumer
   * that takes them one by one never holds every parsed value of a long body at once.
   */
  valueAt(index: number): unknown {
    return JSON.parse(this.text.slice(this.bounds[2 * index], this.bounds[2 * index + 1]));
  }

  /** Every value, parsed. */
  get values(): unknown[] {
    return Array.from({ length: this.length }, (_, i) => this.valueAt(i));
  }
}

/**
 * JSON.parse for one value, a {@link JsonSequence} for several (each value parsed when it is
 * taken); a SyntaxError when the text does not split into values.
 */
export function parseJsonOrSequence(text: string): unknown {
  const bounds = valueBounds(text);
  if (bounds === null || bounds.length <= 2) return JSON.parse(text) as unknown;
  return new JsonSequence(text, bounds);
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

/**
 * Splits JSON text arriving in pieces into its top-level objects and arrays, for a streamed
 * body: feed() returns the values completed by a piece, as text. Text between values other
 * than whitespace throws a SyntaxError.
 */
export class JsonValueScanner {
  private text = '';
  /** Where scanning goes on in `text`. */
  private at = 0;
  private depth = 0;
  private inString = false;

  feed(piece: string): string[] {
    this.text += piece;
    const out: string[] = [];
    let text = this.text;
    let i = this.at;
    while (i < text.length) {
      if (this.inString) {
        const end = stringEnd(text, i - 1);
        if (end < 0) {
          i = text.length;
          break;
        }
        this.inString = false;
        i = end + 1;
        continue;
      }
      const c = text.charCodeAt(i);
      if (c === QUOTE) {
        if (this.depth === 0) throw new SyntaxError('Unexpected string between JSON values');
        this.inString = true;
      } else if (c === 0x7b || c === 0x5b) {
        this.depth++;
      } else if (c === 0x7d || c === 0x5d) {
        this.depth--;
        if (this.depth < 0) throw new SyntaxError(`Unexpected '${text[i]!}' in JSON`);
        if (this.depth === 0) {
          out.push(text.slice(0, i + 1).trimStart());
          text = this.text = text.slice(i + 1);
          i = 0;
          continue;
        }
      } else if (this.depth === 0 && c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) {
        throw new SyntaxError(`Unexpected '${text[i]!}' between JSON values`);
      }
      i++;
    }
    // A string still open resumes its search from the last character seen.
    this.at = this.inString ? Math.max(i, 1) : i;
    return out;
  }

  /** Whether the text fed so far ends between values. */
  get complete(): boolean {
    return this.depth === 0 && !this.inString && this.text.trim() === '';
  }
}
