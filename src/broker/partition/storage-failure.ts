// Which errors from a partition log are disk failures, answered as KAFKA_STORAGE_ERROR for the
// partition concerned, rather than bugs that must surface. The storage layer decides, so the
// logs, the metadata log and the broker all agree.
export { isStorageFailure } from '../../storage/index.js';
