import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { isoTime, type AppConfig, type Clock } from '../core/index.js';
import {
  baseUrlOf,
  describePlexSetup,
  type PlexSetupSources,
  type TunerDevice,
  type TunerFetch,
} from '../tuner/index.js';
import { PlexSetup } from './schemas/plex.js';

export interface PlexRouteOptions {
  setup: PlexSetupSources;
  /** Where the last fetches of the tuner's set-up documents are kept. */
  fetches: Pick<TunerDevice, 'lastFetched'>;
  config: Pick<AppConfig, 'advertiseUrl' | 'port'>;
  clock: Clock;
}

/** `GET /api/plex`: the URLs to paste into Plex (built from the Host used, or --advertise-url) and what needs fixing first. */
export const plexRoutes: FastifyPluginAsyncTypebox<PlexRouteOptions> = async (
  api,
  { setup, fetches, config, clock },
) => {
  api.get('/plex', { schema: { response: { 200: PlexSetup } } }, async (request) => {
    const last = fetches.lastFetched();
    return {
      ...describePlexSetup(setup, baseUrlOf(request, config), clock.now()),
      lastFetched: { discover: fetchView(last.discover), lineup: fetchView(last.lineup) },
    };
  });
};

function fetchView(fetch: TunerFetch | null) {
  return fetch && { at: isoTime(fetch.at), clientAddress: fetch.clientAddress };
}
