import type { ReactElement } from 'react';
import { EventsPage } from './events/EventsPage';
import { GuidePage } from './guide/GuidePage';
import { LivePage } from './live/LivePage';
import { Placeholder } from './Placeholder';

/** Every client route (none collides with the tuner's paths: those all end in an extension or sit under /stream, /auto, /api). */
export const pages: { path: string; element: ReactElement }[] = [
  { path: '/setup', element: <Placeholder title="Set up" /> },
  { path: '/lineup', element: <Placeholder title="Lineup" /> },
  { path: '/channels/:id', element: <Placeholder title="Channel" /> },
  { path: '/providers', element: <Placeholder title="Provider channels" /> },
  { path: '/guide', element: <GuidePage /> },
  { path: '/accounts', element: <Placeholder title="Accounts" /> },
  { path: '/live', element: <LivePage /> },
  { path: '/events', element: <EventsPage /> },
  { path: '/settings', element: <Placeholder title="Settings" /> },
];
