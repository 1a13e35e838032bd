import type { ReactElement } from 'react';
import { Placeholder } from './Placeholder';
import { LineupPage } from './lineup/LineupPage';
import { ChannelPage } from './channel/ChannelPage';
import { ProvidersPage } from './providers/ProvidersPage';

/** Every client route (none collides with the tuner's paths: those all end in an extension or sit under /stream, /auto, /api). */
export const pages: { path: string; element: ReactElement }[] = [
  { path: '/setup', element: <Placeholder title="Set up" /> },
  { path: '/lineup', element: <LineupPage /> },
  { path: '/channels/:id', element: <ChannelPage /> },
  { path: '/providers', element: <ProvidersPage /> },
  { path: '/guide', element: <Placeholder title="Guide" /> },
  { path: '/accounts', element: <Placeholder title="Accounts" /> },
  { path: '/live', element: <Placeholder title="Live" /> },
  { path: '/events', element: <Placeholder title="Events" /> },
  { path: '/settings', element: <Placeholder title="Settings" /> },
];
