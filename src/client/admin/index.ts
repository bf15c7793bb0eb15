export { Admin, type AdminOptions, type ChangeOptions } from './admin.js';
export type * from './types.js';
