// UUIDs are kept as canonical lowercase strings ("xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"):
// topic ids are map keys and log/metric labels all over the broker, and strings compare and
// hash by value, whereas Buffers do not. On the wire a UUID is 16 raw bytes. Kafka's URL-safe
// base64 form is only for people reading tools' output, so it is not used here.

/** The all-zero UUID, which Kafka uses for "no id / unknown". */
export const ZERO_UUID = '00000000-0000-0000-0000-000000000000';

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** True if `s` is a canonical lowercase UUID string. */
export function isUuid(s: string): boolean {
  return s.length === 36 && UUID_PATTERN.test(s);
}

/** Formats 16 bytes at `pos` as a canonical UUID string. The caller checks the bounds. */
export function uuidFromBytes(buf: Buffer, pos: number): string {
  const hex = buf.toString('hex', pos, pos + 16);
  return (
    hex.slice(0, 8) +
    '-' +
    hex.slice(8, 12) +
    '-' +
    hex.slice(12, 16) +
    '-' +
    hex.slice(16, 20) +
    '-' +
    hex.slice(20)
  );
}

/** Writes a canonical UUID string as 16 bytes at `pos`; the caller checks it with isUuid. */
export function uuidToBytes(s: string, buf: Buffer, pos: number): void {
  buf.write(s.slice(0, 8), pos, 'hex');
  buf.write(s.slice(9, 13), pos + 4, 'hex');
  buf.write(s.slice(14, 18), pos + 6, 'hex');
  buf.write(s.slice(19, 23), pos + 8, 'hex');
  buf.write(s.slice(24), pos + 10, 'hex');
}
