// Producer ids (and, later, the transaction coordinator).
export { ProducerIdManager } from './producer-id-manager.js';
