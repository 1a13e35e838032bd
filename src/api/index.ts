import type { FastifyPluginAsync } from 'fastify';
import type { AppConfig, Clock } from '../core/index.js';
import type { Domains } from '../app.js';
import { eventsRoutes } from './events-routes.js';
import { accountsRoutes } from './accounts-routes.js';
import { sessionsRoutes } from './sessions-routes.js';
import { channelsRoutes } from './channels-routes.js';
import { matchingRoutes } from './matching-routes.js';
import { providerChannelsRoutes } from './provider-channels-routes.js';
import { plexRoutes } from './plex-routes.js';
import { xmltvSourcesRoutes } from './xmltv-sources-routes.js';

export interface ApiOptions {
  domains: Domains;
  config: AppConfig;
  clock: Clock;
}

/**
 * The management API under `/api`. Admin authentication (a later issue) goes at this root, so
 * it covers every resource here and none of the LAN-open tuner routes.
 */
export const apiRoutes: FastifyPluginAsync<ApiOptions> = async (api, { domains, config, clock }) => {
  await api.register(eventsRoutes, { events: domains.events });
  await api.register(accountsRoutes, { accounts: domains.accounts });
  await api.register(sessionsRoutes, { streaming: domains.streaming });
  await api.register(channelsRoutes, { lineup: domains.lineup });
  await api.register(matchingRoutes, { lineup: domains.lineup });
  await api.register(providerChannelsRoutes, { lineup: domains.lineup });
  await api.register(xmltvSourcesRoutes, { guides: domains.guides });
  await api.register(plexRoutes, { domains, config, clock });
};
