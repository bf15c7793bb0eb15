// What every schema-registry serializer shares: which subject, whether to register, and
// which schema to write with (the serializer's own, or the subject's latest version).
import type {
  RegisteredSchema,
  RegistrySchema,
  SchemaRegistryClient,
} from './schema-registry-client.js';
import { topicNameStrategy, type SubjectNameStrategy } from './subject-name-strategy.js';

export interface SerializerOptions {
  /** Serializes record keys (subject `<topic>-key` under TopicNameStrategy). */
  isKey?: boolean;
  /** auto.register.schemas (default true): register the schema if the subject lacks it. */
  autoRegisterSchemas?: boolean;
  /** use.latest.version: write with the subject's latest version, not the given schema. */
  useLatestVersion?: boolean;
  /** use.schema.id: write with this registered schema id, whatever the subject holds. */
  useSchemaId?: number;
  /** normalize.schemas */
  normalizeSchemas?: boolean;
  /** key.subject.name.strategy / value.subject.name.strategy (default TopicNameStrategy). */
  subjectNameStrategy?: SubjectNameStrategy;
}

/**
 * The id to write and the schema it stands for: the subject's latest version, or the given
 * schema registered (or looked up) under the subject.
 */
export async function resolveWriterSchema(
  registry: SchemaRegistryClient,
  options: SerializerOptions,
  topic: string,
  recordName: string | null,
  schema: RegistrySchema | null,
): Promise<{ id: number; schema: RegistrySchema }> {
  if (options.useSchemaId !== undefined)
    return { id: options.useSchemaId, schema: await registry.getSchemaById(options.useSchemaId) };
  const subject = (options.subjectNameStrategy ?? topicNameStrategy)(
    topic,
    options.isKey === true,
    recordName,
  );
  if (options.useLatestVersion === true) {
    const latest: RegisteredSchema = await registry.getLatestVersion(subject);
    return { id: latest.id, schema: latest };
  }
  if (schema === null)
    throw new Error('a serializer needs a schema unless useLatestVersion is set');
  const normalize = { normalize: options.normalizeSchemas === true };
  const id =
    options.autoRegisterSchemas === false
      ? await registry.getId(subject, schema, normalize)
      : await registry.register(subject, schema, normalize);
  return { id, schema };
}
