// Structural equality of decoded values, used by generated encoders to decide whether a
// struct-typed field still holds its default (tagged fields equal to their default are not
// written; a non-ignorable field with a non-default value cannot be dropped).

/** True if `a` and `b` are equal as protocol values (numbers, bigints, strings, Buffers, …). */
export function valuesEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Buffer.isBuffer(a) || Buffer.isBuffer(b)) {
    return Buffer.isBuffer(a) && Buffer.isBuffer(b) && a.equals(b);
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => valuesEqual(x, b[i]));
  }
  const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  if (ka.length !== kb.length) return false;
  return ka.every((k) =>
    valuesEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]),
  );
}
