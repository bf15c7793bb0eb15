// Confluent's schema registry errors, each with its HTTP status and five-digit error_code and
// Confluent's wording, so clients that match on either keep working.
import { HttpError } from '../http/index.js';

export const subjectNotFound = (subject: string) =>
  new HttpError(404, 40401, `Subject '${subject}' not found.`);
export const versionNotFound = (version: number | string) =>
  new HttpError(404, 40402, `Version ${version} not found.`);
export const schemaNotFound = (what = 'Schema not found') => new HttpError(404, 40403, what);
export const subjectSoftDeleted = (subject: string) =>
  new HttpError(
    404,
    40404,
    `Subject '${subject}' was soft deleted.Set permanent=true to delete permanently`,
  );
export const subjectNotSoftDeleted = (subject: string) =>
  new HttpError(
    404,
    40405,
    `Subject '${subject}' was not deleted first before being permanently deleted`,
  );
export const versionSoftDeleted = (subject: string, version: number) =>
  new HttpError(
    404,
    40406,
    `Subject '${subject}' Version ${version} was soft deleted.Set permanent=true to delete permanently`,
  );
export const versionNotSoftDeleted = (subject: string, version: number) =>
  new HttpError(
    404,
    40407,
    `Subject '${subject}' Version ${version} was not deleted first before being permanently deleted`,
  );
export const subjectConfigNotFound = (subject: string) =>
  new HttpError(
    404,
    40408,
    `Subject '${subject}' does not have subject-level compatibility configured`,
  );
export const subjectModeNotFound = (subject: string) =>
  new HttpError(404, 40409, `Subject '${subject}' does not have subject-level mode configured`);
export const incompatibleSchema = (message: string) => new HttpError(409, 409, message);
export const invalidSchema = (message: string) => new HttpError(422, 42201, message);
export const invalidVersion = (version: string) =>
  new HttpError(
    422,
    42202,
    `The specified version '${version}' is not a valid version id. Allowed values are between [1, 2^31-1] and the string "latest"`,
  );
export const invalidCompatibilityLevel = () =>
  new HttpError(
    422,
    42203,
    'Invalid compatibility level. Valid values are none, backward, forward, full, backward_transitive, forward_transitive, and full_transitive',
  );
export const invalidMode = (mode: string) =>
  new HttpError(
    422,
    42204,
    `Invalid mode. Valid values are READWRITE, READONLY, IMPORT (got '${mode}')`,
  );
export const operationNotPermitted = (message: string) => new HttpError(422, 42205, message);
export const referenceExists = (message: string) => new HttpError(422, 42206, message);
export const storeError = (message: string) => new HttpError(500, 50001, message);
export const operationTimeout = (message: string) => new HttpError(500, 50002, message);
export const forwardingError = (message: string) => new HttpError(500, 50003, message);
export const unknownLeader = (message: string) => new HttpError(500, 50004, message);
