// How the message browser shows a key, a value or a header: JSON pretty-printed, other valid
// UTF-8 text as it is, and anything else (binary, or text with control characters) as hex.

export type ShownBytes =
  { kind: 'null' } | { kind: 'json' | 'text' | 'hex'; text: string; sizeBytes: number };

/** Above this, a value is cut (the page says so) to keep pages small. */
export const MAX_SHOWN_BYTES = 64 * 1024;

const decoder = new TextDecoder('utf-8', { fatal: true });

export function showBytes(bytes: Buffer | null): ShownBytes {
  if (bytes === null) return { kind: 'null' };
  const sizeBytes = bytes.length;
  const shown = bytes.subarray(0, MAX_SHOWN_BYTES);
  let text: string;
  try {
    text = decoder.decode(shown);
  } catch {
    return { kind: 'hex', text: hex(shown), sizeBytes };
  }
  // Control characters other than tab and line breaks mean the bytes are not meant as text.
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text))
    return { kind: 'hex', text: hex(shown), sizeBytes };
  const trimmed = text.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return { kind: 'json', text: JSON.stringify(JSON.parse(trimmed), null, 2), sizeBytes };
    } catch {
      // Not JSON after all: shown as text.
    }
  }
  return { kind: 'text', text, sizeBytes };
}

/** Bytes as hex pairs, 16 to a line. */
export function hex(bytes: Uint8Array): string {
  const lines: string[] = [];
  for (let i = 0; i < bytes.length; i += 16) {
    lines.push(
      Buffer.from(bytes.subarray(i, i + 16))
        .toString('hex')
        .replace(/(..)(?!$)/g, '$1 '),
    );
  }
  return lines.join('\n');
}
