import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppConfig, Clock } from '../core/index.js';
import { baseUrlOf, describePlexSetup, type PlexSetupSources } from '../tuner/index.js';
import { PlexSetup } from './schemas/plex.js';

export interface PlexRouteOptions {
  setup: PlexSetupSources;
  config: Pick<AppConfig, 'advertiseUrl' | 'port'>;
  clock: Clock;
}

/** `GET /api/plex`: the URLs to paste into Plex (built from the Host used, or --advertise-url) and what needs fixing first. */
export const plexRoutes: FastifyPluginAsyncTypebox<PlexRouteOptions> = async (api, { setup, config, clock }) => {
  api.get('/plex', { schema: { response: { 200: PlexSetup } } }, async (request) =>
    describePlexSetup(setup, baseUrlOf(request, config), clock.now()),
  );
};
