import type { ReactElement } from 'react';
import { EventsPage } from './events/EventsPage';
import { GuidePage } from './guide/GuidePage';
import { LivePage } from './live/LivePage';
import { Placeholder } from './Placeholder';
import { AccountsPage } from './accounts/AccountsPage';
import { SettingsPage } from './settings/SettingsPage';
import { SetupPage } from './setup/SetupPage';

/** Every client route (none collides with the tuner's paths: those all end in an extension or sit under /stream, /auto, /api). */
export const pages: { path: string; element: ReactElement }[] = [
  { path: '/setup', element: <SetupPage /> },
  { path: '/lineup', element: <Placeholder title="Lineup" /> },
  { path: '/channels/:id', element: <Placeholder title="Channel" /> },
  { path: '/providers', element: <Placeholder title="Provider channels" /> },
  { path: '/guide', element: <GuidePage /> },
  { path: '/accounts', element: <AccountsPage /> },
  { path: '/live', element: <LivePage /> },
  { path: '/events', element: <EventsPage /> },
  { path: '/settings', element: <SettingsPage /> },
];
