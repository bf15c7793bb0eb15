// Kafka's topic name rules (`Topic.validate`): 1-249 characters from [a-zA-Z0-9._-], not "."
// or "..". Names differing only by '.' versus '_' collide, because metric names replace '.'
// with '_'.

export const MAX_TOPIC_NAME_LENGTH = 249;
const LEGAL = /^[a-zA-Z0-9._-]+$/;

/** Why `name` is not a legal topic name, or null if it is. */
export function topicNameProblem(name: string | null): string | null {
  if (name === null || name.length === 0) return 'Topic name is empty';
  if (name === '.' || name === '..') return `Topic name cannot be "${name}"`;
  if (name.length > MAX_TOPIC_NAME_LENGTH) {
    return `Topic name is longer than ${MAX_TOPIC_NAME_LENGTH} characters`;
  }
  if (!LEGAL.test(name)) {
    return `Topic name "${name}" is illegal: it contains a character other than ASCII alphanumerics, '.', '_' and '-'`;
  }
  return null;
}

/** The name under which '.'/'_' collisions are detected. */
export function collisionKey(name: string): string {
  return name.replaceAll('.', '_');
}

/**
 * Kafka's internal topics: the coordinators' state. Other names starting with `__` are
 * ordinary topics, as in Kafka.
 */
const INTERNAL_TOPICS: ReadonlySet<string> = new Set([
  '__consumer_offsets',
  '__transaction_state',
  '__share_group_state',
]);

export function isInternalTopic(name: string): boolean {
  return INTERNAL_TOPICS.has(name);
}
