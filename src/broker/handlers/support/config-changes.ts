// What a full replacement of a resource's configs (AlterConfigs, or IncrementalAlterConfigs
// after its operations are applied) writes: one ConfigRecord per key whose value differs, and
// one removal per key no longer set.

/** The changes that turn `current` into `next`; empty when they are equal. */
export function configChanges(
  current: ReadonlyMap<string, string>,
  next: ReadonlyMap<string, string>,
): { name: string; value: string | null }[] {
  const changes: { name: string; value: string | null }[] = [];
  for (const [name, value] of next) {
    if (current.get(name) !== value) changes.push({ name, value });
  }
  for (const name of current.keys()) {
    if (!next.has(name)) changes.push({ name, value: null });
  }
  return changes;
}
