export { EpgCache, type EpgCacheOptions, type EpgFile } from './epg-cache.js';
export { epgRoutes, type EpgRouteOptions } from './epg-routes.js';
export {
  GuideGrid,
  maxGuideWindowMs,
  type GuideGridDeps,
  type GuideWindow,
  type GridChannel,
  type GridProgramme,
} from './guide-grid.js';
