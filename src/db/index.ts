export { openDatabase, migrate, type Db } from './open-database.js';
export { prepareDataDir, type DataDirMode } from './data-dir.js';
export { parseJsonColumn, toSqlBool } from './json.js';
export * from './settings-repository.js';
export { likePattern } from './like-pattern.js';
export {
  reclaimSpace,
  databaseBytes,
  defaultReclaimThresholds,
  type ReclaimResult,
  type ReclaimThresholds,
} from './reclaim-space.js';
