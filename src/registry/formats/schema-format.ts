// What the registry needs from a schema format (AVRO, JSON, PROTOBUF): parse a schema text
// with its resolved references, give the canonical text that decides identity, and check
// whether data written with one schema can be read with another.
export type SchemaType = 'AVRO' | 'JSON' | 'PROTOBUF';

export const SCHEMA_TYPES: readonly SchemaType[] = ['JSON', 'PROTOBUF', 'AVRO'];

/** A reference resolved to the schema text it names. */
export interface ResolvedReference {
  name: string;
  subject: string;
  version: number;
  schema: string;
  /** The references of the referenced schema, resolved in turn. */
  references: ResolvedReference[];
}

export interface ParsedSchema {
  readonly type: SchemaType;
  /**
   * The text stored and compared: the schema as given with insignificant whitespace removed,
   * or, with normalize, a form in which equivalent schemas are equal.
   */
  canonical(normalize: boolean): string;
  /**
   * Messages saying why data written with `writer` cannot be read with this schema as the
   * reader; empty when it can.
   */
  readerIncompatibilities(writer: ParsedSchema): string[];
}

export class InvalidSchemaError extends Error {}

export interface SchemaFormat {
  readonly type: SchemaType;
  /** Throws {@link InvalidSchemaError} for a schema that does not parse. */
  parse(schema: string, references: readonly ResolvedReference[]): Promise<ParsedSchema>;
}
