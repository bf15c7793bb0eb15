// The subject a serializer registers under (Confluent's SubjectNameStrategy implementations):
// TopicNameStrategy `<topic>-key`/`<topic>-value`, RecordNameStrategy the record's full
// name, TopicRecordNameStrategy `<topic>-<record full name>`.

export type SubjectNameStrategy = (
  topic: string,
  isKey: boolean,
  recordName: string | null,
) => string;

export const topicNameStrategy: SubjectNameStrategy = (topic, isKey) =>
  `${topic}-${isKey ? 'key' : 'value'}`;

export const recordNameStrategy: SubjectNameStrategy = (_topic, _isKey, recordName) => {
  if (recordName === null) throw new Error('RecordNameStrategy needs a named record schema');
  return recordName;
};

export const topicRecordNameStrategy: SubjectNameStrategy = (topic, isKey, recordName) =>
  `${topic}-${recordNameStrategy(topic, isKey, recordName)}`;

/** By Confluent's class names, as `value.subject.name.strategy` gives them. */
export function subjectNameStrategy(name: string): SubjectNameStrategy {
  const short = name.split('.').pop();
  if (short === 'TopicNameStrategy') return topicNameStrategy;
  if (short === 'RecordNameStrategy') return recordNameStrategy;
  if (short === 'TopicRecordNameStrategy') return topicRecordNameStrategy;
  throw new Error(`unknown subject name strategy ${name}`);
}
