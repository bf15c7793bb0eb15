export { Admin, type AdminOptions, type ChangeOptions } from './admin.js';
export type * from './types.js';
export type {
  ScramMechanismName,
  UserScramCredentialAlteration,
  UserScramCredentialsDescription,
} from './user-scram-credentials.js';
