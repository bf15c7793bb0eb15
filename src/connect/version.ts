// The version a built-in plugin reports: the project's own.
export { VERSION } from '../util/version.js';
