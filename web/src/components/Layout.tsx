import { AppShell, Badge, Burger, Group, NavLink, ScrollArea, Text, Tooltip } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import {
  IconAlertTriangle,
  IconBroadcast,
  IconCalendarTime,
  IconList,
  IconListDetails,
  IconPlayerPlay,
  IconRocket,
  IconSettings,
  IconUsers,
} from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { NavLink as RouterLink, useLocation } from 'react-router-dom';
import { api } from '../api/client';
import { useLive } from '../api/live';
import type { EventPage } from '../api/types';

const links = [
  { to: '/setup', label: 'Set up', icon: IconRocket },
  { to: '/lineup', label: 'Lineup', icon: IconList },
  { to: '/providers', label: 'Provider channels', icon: IconListDetails },
  { to: '/guide', label: 'Guide', icon: IconCalendarTime },
  { to: '/accounts', label: 'Accounts', icon: IconUsers },
  { to: '/live', label: 'Live', icon: IconPlayerPlay },
  { to: '/events', label: 'Events', icon: IconAlertTriangle },
  { to: '/settings', label: 'Settings', icon: IconSettings },
] as const;

/** Unread events, for the badge in the navigation (refreshed by the live updates). */
export function useUnreadCount(): number {
  const { data } = useQuery({
    queryKey: ['events', 'unread'],
    queryFn: () => api.get<EventPage>('/api/events', { unread: true, limit: 1 }),
  });
  return data?.total ?? 0;
}

export function Layout({ children }: { children: ReactNode }) {
  const [opened, { toggle, close }] = useDisclosure();
  const location = useLocation();
  const unread = useUnreadCount();
  const { connected } = useLive();
  return (
    <AppShell
      header={{ height: 52 }}
      navbar={{ width: 230, breakpoint: 'sm', collapsed: { mobile: !opened } }}
      padding="md"
    >
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between">
          <Group gap="xs">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label="Toggle navigation" />
            <IconBroadcast aria-hidden />
            <Text fw={700}>Tunerbridge</Text>
          </Group>
          <Tooltip label={connected ? 'Live updates on' : 'Live updates reconnecting'}>
            <Badge
              variant="dot"
              color={connected ? 'green' : 'gray'}
              aria-label={connected ? 'Live updates connected' : 'Live updates disconnected'}
            >
              {connected ? 'live' : 'offline'}
            </Badge>
          </Tooltip>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" aria-label="Main navigation">
        <ScrollArea>
          {links.map(({ to, label, icon: Icon }) => (
            <NavLink
              key={to}
              component={RouterLink}
              to={to}
              label={label}
              leftSection={<Icon size={18} aria-hidden />}
              active={location.pathname.startsWith(to)}
              onClick={close}
              rightSection={
                to === '/events' && unread > 0 ? (
                  <Badge
                    size="sm"
                    color="red"
                    circle={unread < 10}
                    aria-label={`${unread} unread events`}
                    data-testid="unread-badge"
                  >
                    {unread > 99 ? '99+' : unread}
                  </Badge>
                ) : undefined
              }
            />
          ))}
        </ScrollArea>
      </AppShell.Navbar>
      <AppShell.Main>{children}</AppShell.Main>
    </AppShell>
  );
}
