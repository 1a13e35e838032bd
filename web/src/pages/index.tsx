import type { ReactElement } from 'react';
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
  { path: '/guide', element: <Placeholder title="Guide" /> },
  { path: '/accounts', element: <AccountsPage /> },
  { path: '/live', element: <Placeholder title="Live" /> },
  { path: '/events', element: <Placeholder title="Events" /> },
  { path: '/settings', element: <SettingsPage /> },
];
