import type { FastifyPluginAsync } from 'fastify';
import type { AppConfig, Clock, RuntimeSettings } from '../core/index.js';
import type { EventLog } from '../events/index.js';
import type { Accounts } from '../xtream/index.js';
import type { Lineup } from '../lineup/index.js';
import type { Streaming } from '../streaming/index.js';
import type { GuideSources } from '../xmltv/index.js';
import type { TunerDevice } from '../tuner/index.js';
import type { EpgCache, GuideGrid } from '../guide-output/index.js';
import { adminHostCheck, type AccessPolicy } from '../access/index.js';
import type { CredentialStore } from '../credentials/index.js';
import type { AdminAuth } from '../auth/index.js';
import { eventsRoutes } from './events-routes.js';
import { accountsRoutes } from './accounts-routes.js';
import { sessionsRoutes } from './sessions-routes.js';
import { channelsRoutes } from './channels-routes.js';
import { matchingRoutes } from './matching-routes.js';
import { providerChannelsRoutes } from './provider-channels-routes.js';
import { plexRoutes } from './plex-routes.js';
import { xmltvSourcesRoutes } from './xmltv-sources-routes.js';
import { systemRoutes } from './system-routes.js';
import { adminAuthRoutes } from './admin-auth-routes.js';
import { adminGuard } from './auth-guard.js';
import { liveRoutes } from './live-routes.js';
import { guideRoutes } from './guide-routes.js';
import { settingsRoutes } from './settings-routes.js';
export { loginRoutes } from './login-routes.js';
export { metricsRoutes } from './metrics-routes.js';

/** The domains the management API serves, and the settings the Plex set-up help reads. */
export interface ApiOptions {
  events: EventLog;
  accounts: Accounts;
  streaming: Pick<Streaming, 'sessions' | 'listHubs' | 'stopHub' | 'onSessionsChange'>;
  lineup: Lineup;
  guides: GuideSources;
  tunerDevice: Pick<TunerDevice, 'channels' | 'tunerCount' | 'lastFetched'>;
  epg: Pick<EpgCache, 'guideRefreshedAt'>;
  /** The guide's programmes per lineup channel, for the UI's EPG grid. */
  guideGrid: GuideGrid;
  settings: RuntimeSettings;
  credentials: Pick<CredentialStore, 'kind' | 'storeName'>;
  config: Pick<AppConfig, 'advertiseUrl' | 'port' | 'discovery'>;
  clock: Clock;
  auth: AdminAuth;
  /** The DNS-rebinding rule: which Host headers the admin API answers. */
  access: Pick<AccessPolicy, 'isAllowedAdminHost'>;
}

/**
 * The management API under `/api`. The admin guard is an `onRequest` hook at this root, so it
 * covers every resource registered here and none of the LAN-open tuner routes; login and the
 * session check are the sibling `loginRoutes` at `/api/auth`.
 */
export const apiRoutes: FastifyPluginAsync<ApiOptions> = async (
  api,
  {
    events,
    accounts,
    streaming,
    lineup,
    guides,
    tunerDevice,
    epg,
    guideGrid,
    settings,
    credentials,
    config,
    clock,
    auth,
    access,
  },
) => {
  // FIRST hook at this root: a foreign Host (DNS rebinding) is refused before the admin auth runs.
  api.addHook('onRequest', adminHostCheck(access));
  api.addHook('onRequest', adminGuard(auth));
  await api.register(adminAuthRoutes, { auth, clock });
  await api.register(eventsRoutes, { events });
  await api.register(accountsRoutes, { accounts });
  await api.register(sessionsRoutes, { streaming });
  await api.register(liveRoutes, { events, accounts, guides, lineup, streaming });
  await api.register(channelsRoutes, { lineup });
  await api.register(matchingRoutes, { lineup });
  await api.register(providerChannelsRoutes, { lineup });
  await api.register(xmltvSourcesRoutes, { guides });
  await api.register(guideRoutes, { grid: guideGrid });
  await api.register(systemRoutes, { credentials });
  await api.register(settingsRoutes, { settings });
  await api.register(plexRoutes, {
    setup: { device: tunerDevice, accounts, guides, epg, discovery: config.discovery },
    fetches: tunerDevice,
    config,
    clock,
  });
};
