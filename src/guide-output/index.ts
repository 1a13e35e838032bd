export { EpgCache, type EpgCacheOptions, type EpgFile } from './epg-cache.js';
export { epgRoutes, type EpgRouteOptions } from './epg-routes.js';
