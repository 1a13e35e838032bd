import type { ReactElement } from 'react';
import { AccountsPage } from './accounts/AccountsPage';
import { ChannelPage } from './channel/ChannelPage';
import { EventsPage } from './events/EventsPage';
import { GuidePage } from './guide/GuidePage';
import { LineupPage } from './lineup/LineupPage';
import { LivePage } from './live/LivePage';
import { ProvidersPage } from './providers/ProvidersPage';
import { SettingsPage } from './settings/SettingsPage';
import { SetupPage } from './setup/SetupPage';

/** Every client route; the first segments are web/src/routes.ts's sections (the server serves the UI for those only). */
export const pages: { path: string; element: ReactElement }[] = [
  { path: '/setup', element: <SetupPage /> },
  { path: '/lineup', element: <LineupPage /> },
  { path: '/channels/:id', element: <ChannelPage /> },
  { path: '/providers', element: <ProvidersPage /> },
  { path: '/guide', element: <GuidePage /> },
  { path: '/accounts', element: <AccountsPage /> },
  { path: '/live', element: <LivePage /> },
  { path: '/events', element: <EventsPage /> },
  { path: '/settings', element: <SettingsPage /> },
];
