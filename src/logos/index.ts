export { LogoCache, type LogoCacheOptions, type LogoFile } from './logo-cache.js';
export { logoRoutes, type LogoRouteOptions } from './logo-routes.js';
export { logoKeyOf } from './logo-key.js';

/** What a rendering of the lineup (M3U, XMLTV) needs of the logo cache. */
export interface LogoLinks {
  /** `{baseUrl}/logos/<key>` for an http(s) logo, the original otherwise. */
  publicUrl(original: string, baseUrl: string): string;
}
