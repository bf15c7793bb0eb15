// Java `.properties` files, as Kafka's `server.properties` is read: `#`/`!` comment lines,
// `key=value`, `key: value` or `key value`, backslash line continuations, and the escapes
// \t \n \r \f \uXXXX (any other escaped character stands for itself). A repeated key keeps
// its last value.

/** Parses properties text into key/value pairs in file order (last value of a key wins). */
export function parseProperties(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of logicalLines(text)) {
    const [key, value] = splitKeyValue(line);
    out.set(unescape(key), unescape(value));
  }
  return out;
}

/** Splits `key=value` as given to `--override`, or says why it cannot. */
export function parseOverride(arg: string): [string, string] | string {
  const eq = arg.indexOf('=');
  if (eq <= 0) return `'${arg}' is not of the form key=value`;
  return [arg.slice(0, eq).trim(), arg.slice(eq + 1).trim()];
}

const WHITESPACE = new Set([' ', '\t', '\f']);

function* logicalLines(text: string): Generator<string> {
  const natural = text.split(/\r\n|\r|\n/);
  let pending: string | null = null;
  for (const raw of natural) {
    let line = stripLeading(raw);
    if (pending === null && (line === '' || line[0] === '#' || line[0] === '!')) continue;
    if (pending !== null) line = pending + line;
    if (endsWithContinuation(line)) {
      pending = line.slice(0, -1);
      continue;
    }
    pending = null;
    yield line;
  }
  if (pending !== null && pending !== '') yield pending;
}

function stripLeading(line: string): string {
  let i = 0;
  while (i < line.length && WHITESPACE.has(line[i]!)) i++;
  return line.slice(i);
}

/** An odd number of trailing backslashes continues the line; an even number are escapes. */
function endsWithContinuation(line: string): boolean {
  let count = 0;
  for (let i = line.length - 1; i >= 0 && line[i] === '\\'; i--) count++;
  return count % 2 === 1;
}

function splitKeyValue(line: string): [string, string] {
  let i = 0;
  while (i < line.length) {
    const c = line[i]!;
    if (c === '\\') i += 2;
    else if (c === '=' || c === ':' || WHITESPACE.has(c)) break;
    else i++;
  }
  const key = line.slice(0, Math.min(i, line.length));
  let j = i;
  while (j < line.length && WHITESPACE.has(line[j]!)) j++;
  if (j < line.length && (line[j] === '=' || line[j] === ':')) j++;
  while (j < line.length && WHITESPACE.has(line[j]!)) j++;
  return [key, line.slice(j)];
}

const ESCAPES: Record<string, string> = { t: '\t', n: '\n', r: '\r', f: '\f' };

function unescape(s: string): string {
  if (!s.includes('\\')) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c !== '\\' || i === s.length - 1) {
      out += c;
      continue;
    }
    const next = s[++i]!;
    if (next === 'u' && /^[0-9a-fA-F]{4}$/.test(s.slice(i + 1, i + 5))) {
      out += String.fromCharCode(parseInt(s.slice(i + 1, i + 5), 16));
      i += 4;
    } else {
      out += ESCAPES[next] ?? next;
    }
  }
  return out;
}
