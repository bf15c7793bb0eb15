// The package's public face: `import { … } from 'rivulet'`.
export { VERSION } from './cli/main.js';
