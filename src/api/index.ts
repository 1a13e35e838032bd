import type { FastifyPluginAsync } from 'fastify';
import type { AppConfig } from '../core/index.js';
import type { Domains } from '../app.js';
import { eventsRoutes } from './events-routes.js';
import { accountsRoutes } from './accounts-routes.js';
import { sessionsRoutes } from './sessions-routes.js';

export interface ApiOptions {
  domains: Domains;
  config: AppConfig;
}

/**
 * The management API under `/api`. Admin authentication (a later issue) goes at this root, so
 * it covers every resource here and none of the LAN-open tuner routes.
 */
export const apiRoutes: FastifyPluginAsync<ApiOptions> = async (api, { domains }) => {
  await api.register(eventsRoutes, { events: domains.events });
  await api.register(accountsRoutes, { accounts: domains.accounts });
  await api.register(sessionsRoutes, { streaming: domains.streaming });
};
