// Confluent REST Proxy's error codes and the mapping of client failures to them. Every error
// body is `{"error_code": 40401, "message": "..."}`; the five-digit codes start with the HTTP
// status they go with (io.confluent.kafkarest.Errors).
import { ClientError, KafkaError } from '../client/index.js';
import { HttpError } from '../http/index.js';

export const TOPIC_NOT_FOUND = 40401;
export const PARTITION_NOT_FOUND = 40402;
export const CONSUMER_INSTANCE_NOT_FOUND = 40403;
export const LEADER_NOT_AVAILABLE = 40404;
export const CONSUMER_FORMAT_MISMATCH = 40601;
/** Schema registration or lookup failed (v2 schema formats). */
export const SCHEMA_RETRIEVAL_FAILED = 40801;
export const CONSUMER_ALREADY_SUBSCRIBED = 40901;
export const CONSUMER_ALREADY_EXISTS = 40902;
export const ILLEGAL_STATE = 40903;
export const KEY_SCHEMA_MISSING = 42201;
export const VALUE_SCHEMA_MISSING = 42202;
export const JSON_CONVERSION = 42203;
export const INVALID_CONSUMER_CONFIG = 42204;
export const INVALID_SCHEMA = 42205;
export const INVALID_PAYLOAD = 42206;
export const TOO_MANY_REQUESTS = 42901;
/** The Kafka cluster refused the credentials (KafkaExceptionMapper's authentication code). */
export const KAFKA_AUTHENTICATION_ERROR = 40101;
/** The Kafka cluster's authorizer refused the operation. */
export const KAFKA_AUTHORIZATION_ERROR = 40301;
export const ZOOKEEPER_ERROR = 50001;
export const KAFKA_ERROR = 50002;
export const KAFKA_RETRIABLE_ERROR = 50003;

export const topicNotFound = () => new HttpError(404, TOPIC_NOT_FOUND, 'Topic not found.');
export const partitionNotFound = () =>
  new HttpError(404, PARTITION_NOT_FOUND, 'Partition not found.');
export const consumerInstanceNotFound = () =>
  new HttpError(404, CONSUMER_INSTANCE_NOT_FOUND, 'Consumer instance not found.');
export const jsonConversion = (detail: string) =>
  new HttpError(422, JSON_CONVERSION, `Conversion of JSON to Object failed: ${detail}`);
export const invalidConsumerConfig = (detail: string) =>
  new HttpError(422, INVALID_CONSUMER_CONFIG, `Invalid consumer configuration: ${detail}`);
export const invalidPayload = (detail: string) => new HttpError(422, INVALID_PAYLOAD, detail);
export const illegalState = (detail: string) =>
  new HttpError(409, ILLEGAL_STATE, `Illegal state: ${detail}`);
export const badRequestV3 = (detail: string) => new HttpError(400, 400, detail);
export const notFoundV3 = (detail: string) => new HttpError(404, 404, detail);

/** Kafka's error code for an unknown topic or partition (UNKNOWN_TOPIC_OR_PARTITION). */
const UNKNOWN_TOPIC_OR_PARTITION = 3;
/** Kafka's errors that say the request itself was wrong, not the cluster. */
const INVALID_REQUEST_CODES = new Set([
  2, // CORRUPT_MESSAGE
  10, // MESSAGE_TOO_LARGE
  17, // INVALID_TOPIC_EXCEPTION
  18, // RECORD_LIST_TOO_LARGE
  32, // INVALID_TIMESTAMP
  37, // INVALID_PARTITIONS
  38, // INVALID_REPLICATION_FACTOR
  39, // INVALID_REPLICA_ASSIGNMENT
  40, // INVALID_CONFIG
  42, // INVALID_REQUEST
  87, // INVALID_RECORD
]);
const TOPIC_ALREADY_EXISTS = 36;
/** UNSUPPORTED_SASL_MECHANISM, ILLEGAL_SASL_STATE, SASL_AUTHENTICATION_FAILED. */
const AUTHENTICATION_CODES = new Set([33, 34, 58]);
/** TOPIC_, GROUP_, CLUSTER_, TRANSACTIONAL_ID_, DELEGATION_TOKEN_AUTHORIZATION_FAILED. */
const AUTHORIZATION_CODES = new Set([29, 30, 31, 53, 65]);
/** SECURITY_DISABLED: ACL calls on a cluster without an authorizer. */
const SECURITY_DISABLED = 54;
const THROTTLING_QUOTA_EXCEEDED = 89;

/**
 * A failure of the client as the v3 API answers it: Kafka's error message with the status
 * its kind calls for (as Confluent's KafkaExceptionMapper does).
 */
export function kafkaFailure(err: unknown): HttpError {
  if (err instanceof HttpError) return err;
  if (err instanceof KafkaError) {
    if (err.code === UNKNOWN_TOPIC_OR_PARTITION)
      return new HttpError(404, CONSUMER_INSTANCE_NOT_FOUND, err.message);
    if (err.code === TOPIC_ALREADY_EXISTS) return new HttpError(400, 40002, err.message);
    if (AUTHENTICATION_CODES.has(err.code))
      return new HttpError(401, KAFKA_AUTHENTICATION_ERROR, err.message);
    if (AUTHORIZATION_CODES.has(err.code))
      return new HttpError(403, KAFKA_AUTHORIZATION_ERROR, err.message);
    if (err.code === SECURITY_DISABLED) return new HttpError(400, 40002, err.message);
    if (err.code === THROTTLING_QUOTA_EXCEEDED)
      return new HttpError(429, TOO_MANY_REQUESTS, err.message);
    if (INVALID_REQUEST_CODES.has(err.code)) return new HttpError(400, 40002, err.message);
    return new HttpError(500, err.retriable ? KAFKA_RETRIABLE_ERROR : KAFKA_ERROR, err.message);
  }
  if (err instanceof ClientError) {
    return new HttpError(500, err.retriable ? KAFKA_RETRIABLE_ERROR : KAFKA_ERROR, err.message);
  }
  return new HttpError(500, 500, `Internal Server Error: ${(err as Error).message}`);
}

/** Runs `operation`, answering its failures as {@link kafkaFailure} says. */
export async function mapped<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (err) {
    throw kafkaFailure(err);
  }
}
