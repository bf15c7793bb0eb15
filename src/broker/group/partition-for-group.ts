// Which partition of __consumer_offsets holds a group: Kafka hashes the group id with Java's
// String.hashCode and takes its absolute value modulo the partition count. Clients never
// compute this, but the on-disk placement must match Kafka's so the layout is familiar.

/** Java's String.hashCode: over UTF-16 code units, with 32-bit overflow. */
export function javaStringHashCode(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

/** Kafka's Utils.abs: Integer.MIN_VALUE maps to 0 rather than staying negative. */
function kafkaAbs(n: number): number {
  return n === -2147483648 ? 0 : Math.abs(n);
}

export function partitionForGroup(groupId: string, partitionCount: number): number {
  return kafkaAbs(javaStringHashCode(groupId)) % partitionCount;
}
