import type { FastifyPluginAsync } from 'fastify';
import type { AppConfig, Clock } from '../core/index.js';
import { epgRoutes, type EpgCache } from '../guide-output/index.js';
import { logoRoutes, type LogoCache } from '../logos/index.js';
import { baseUrlOf } from './base-url.js';
import { streamRoutes } from './stream-routes.js';
import { hdhrRoutes, type HdhrRouteOptions } from './hdhr-routes.js';
import { m3uRoutes } from './m3u-routes.js';
import type { TunerDevice } from './tuner-device.js';

export { baseUrlOf } from './base-url.js';
export { TunerDevice, type DeviceDescription, type TunerDocument, type TunerFetch } from './tuner-device.js';
export { createTunerActivity, idleTunerStatus, type TunerActivity } from './tuner-activity.js';
export { parseDeviceId, isValidDeviceId } from './device-id.js';
export { describePlexSetup, type PlexSetupSources, type PlexSetupView, type PlexWarning } from './plex-setup.js';

/** What the tuner route plugins use. */
export interface TunerOptions {
  device: TunerDevice;
  /** Plays channels for `/stream` and `/auto`, and lists the sessions the status pages show. */
  streaming: HdhrRouteOptions['streaming'];
  epg: EpgCache;
  config: Pick<AppConfig, 'advertiseUrl' | 'port'>;
  clock: Clock;
  /** Logos served from our cache (`/logos/:key`) and pointed at by the M3U and XMLTV. */
  logos: LogoCache;
}

/**
 * What Plex, Jellyfin and Emby see: HDHomeRun HTTP API, M3U, XMLTV (from guide-output) and the
 * stream routes. LAN-open by design: admin authentication (later) applies to `/api` only.
 */
export const tunerRoutes: FastifyPluginAsync<TunerOptions> = async (
  tuner,
  { device, streaming, epg, config, clock, logos },
) => {
  // Each tuner route plugin registers here: await tuner.register(xxxRoutes, { ... });
  await tuner.register(streamRoutes, { streaming });
  await tuner.register(hdhrRoutes, { device, streaming, config, clock });
  await tuner.register(m3uRoutes, { device, config, logos });
  await tuner.register(epgRoutes, { epg, baseUrl: (request) => baseUrlOf(request, config) });
  await tuner.register(logoRoutes, { logos });
};
