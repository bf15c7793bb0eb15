// AlterUserScramCredentials v0 (KIP-554). Upsertions carry the salt, iteration count and salted
// password (the client derives it, so the password never travels); the broker derives StoredKey
// and ServerKey and writes a UserScramCredentialRecord; deletions write
// RemoveUserScramCredentialRecords. Checked per user as Kafka's ScramControlManager does: an
// empty name or out-of-range iterations UNACCEPTABLE_CREDENTIAL, an unknown mechanism
// UNSUPPORTED_SASL_MECHANISM, deleting a credential that does not exist RESOURCE_NOT_FOUND, the
// same user and mechanism twice DUPLICATE_RESOURCE; a user with any error has none of its
// changes applied. Needs ALTER on the cluster.
import {
  ErrorCode,
  type AlterUserScramCredentialsRequest,
  type AlterUserScramCredentialsResponse,
} from '../../protocol/index.js';
import { MetadataRecordType, type MetadataRecord } from '../../metadata/index.js';
import {
  credentialFromSaltedPassword,
  scramMechanismByType,
} from '../security/sasl/scram-credential.js';
import { defineHandler } from './handler-registry.js';
import type { HandlerFactory } from './handler-types.js';

type Result = AlterUserScramCredentialsResponse['results'][number];

export const alterUserScramCredentialsHandler: HandlerFactory = (broker) =>
  defineHandler<AlterUserScramCredentialsRequest, AlterUserScramCredentialsResponse>({
    apiKey: 51,
    name: 'AlterUserScramCredentials',
    minVersion: 0,
    maxVersion: 0,
    handle: async (request, ctx) => {
      const users = new Set([...request.deletions, ...request.upsertions].map((c) => c.name));
      const [allowed] = ctx.authorizer.authorize(ctx, [
        {
          operation: 'ALTER',
          resourceType: 'CLUSTER',
          resourceName: 'kafka-cluster',
          patternType: 'LITERAL',
        },
      ]);
      if (allowed !== 'ALLOWED') {
        const results = [...users].map((user) => ({
          user,
          errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED,
          errorMessage: null,
        }));
        return { throttleTimeMs: 0, results };
      }
      const image = broker.metadata.image;
      const errors = new Map<string, Result>();
      const records = new Map<string, MetadataRecord[]>();
      const seen = new Set<string>();
      const fail = (user: string, errorCode: number, errorMessage: string): void => {
        if (!errors.has(user)) errors.set(user, { user, errorCode, errorMessage });
      };
      const add = (user: string, record: MetadataRecord): void => {
        records.set(user, [...(records.get(user) ?? []), record]);
      };
      const duplicate = (user: string, mechanism: number): boolean => {
        const k = `${mechanism}:${user}`;
        if (seen.has(k)) {
          fail(
            user,
            ErrorCode.DUPLICATE_RESOURCE,
            'A user credential cannot be altered twice in the same request',
          );
          return true;
        }
        seen.add(k);
        return false;
      };
      for (const d of request.deletions) {
        if (d.name === '')
          fail(d.name, ErrorCode.UNACCEPTABLE_CREDENTIAL, 'Username must not be empty');
        else if (scramMechanismByType(d.mechanism) === undefined) {
          fail(d.name, ErrorCode.UNSUPPORTED_SASL_MECHANISM, 'Unknown SCRAM mechanism');
        } else if (duplicate(d.name, d.mechanism)) continue;
        else if (image.scramCredential(d.name, d.mechanism) === undefined) {
          fail(
            d.name,
            ErrorCode.RESOURCE_NOT_FOUND,
            'Attempt to delete a user credential that does not exist',
          );
        } else {
          add(d.name, {
            type: MetadataRecordType.RemoveUserScramCredential,
            value: { name: d.name, mechanism: d.mechanism },
          });
        }
      }
      for (const u of request.upsertions) {
        const info = scramMechanismByType(u.mechanism);
        if (u.name === '')
          fail(u.name, ErrorCode.UNACCEPTABLE_CREDENTIAL, 'Username must not be empty');
        else if (info === undefined) {
          fail(u.name, ErrorCode.UNSUPPORTED_SASL_MECHANISM, 'Unknown SCRAM mechanism');
        } else if (duplicate(u.name, u.mechanism)) continue;
        else if (u.iterations < info.minIterations) {
          fail(u.name, ErrorCode.UNACCEPTABLE_CREDENTIAL, 'Too few iterations');
        } else if (u.iterations > info.maxIterations) {
          fail(u.name, ErrorCode.UNACCEPTABLE_CREDENTIAL, 'Too many iterations');
        } else {
          const c = credentialFromSaltedPassword(info.hash, u.saltedPassword, u.salt, u.iterations);
          add(u.name, {
            type: MetadataRecordType.UserScramCredential,
            value: { name: u.name, mechanism: u.mechanism, ...c },
          });
        }
      }
      const toWrite = [...records].filter(([user]) => !errors.has(user)).flatMap(([, r]) => r);
      if (toWrite.length > 0) await broker.metadata.alterScramCredentials(toWrite);
      const results: Result[] = [...users].map(
        (user) => errors.get(user) ?? { user, errorCode: ErrorCode.NONE, errorMessage: null },
      );
      return { throttleTimeMs: 0, results };
    },
  });
