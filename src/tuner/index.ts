import type { FastifyPluginAsync } from 'fastify';
import type { AppConfig, Clock } from '../core/index.js';
import type { Domains } from '../app.js';
import { streamRoutes } from './stream-routes.js';
import { hdhrRoutes } from './hdhr-routes.js';
import { m3uRoutes } from './m3u-routes.js';
import { epgRoutes } from './epg-routes.js';

export { baseUrlOf } from './base-url.js';
export { TunerDevice, type DeviceDescription } from './tuner-device.js';
export { NetworkDiscovery, type DiscoveryPorts } from './network-discovery.js';
export { parseDeviceId, isValidDeviceId } from './device-id.js';
export { EpgCache, type EpgCacheOptions } from './epg-cache.js';

export interface TunerOptions {
  domains: Domains;
  config: AppConfig;
  clock: Clock;
}

/**
 * What Plex, Jellyfin and Emby see: HDHomeRun HTTP API, M3U, XMLTV and the stream routes.
 * LAN-open by design: admin authentication (later) applies to `/api` only.
 */
export const tunerRoutes: FastifyPluginAsync<TunerOptions> = async (tuner, { domains, config, clock }) => {
  // Each tuner route plugin registers here: await tuner.register(xxxRoutes, { ... });
  await tuner.register(streamRoutes, { domains });
  await tuner.register(hdhrRoutes, { device: domains.tunerDevice, domains, config, clock });
  await tuner.register(m3uRoutes, { device: domains.tunerDevice, config });
  await tuner.register(epgRoutes, { epg: domains.epg });
};
