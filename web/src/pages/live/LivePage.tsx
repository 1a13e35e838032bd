import { Badge, Button, Card, Group, Modal, SimpleGrid, Stack, Table, Text, ThemeIcon, Title } from '@mantine/core';
import { useInterval } from '@mantine/hooks';
import { IconPlayerPlay, IconPlayerStop } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState, type ReactNode } from 'react';
import { api } from '../../api/client';
import type { Account, ChannelPage, Hub, SessionPage } from '../../api/types';
import { ErrorNote, QueryState } from '../../components/QueryState';
import { elapsedSince, formatBitrate, formatBytes } from '../../lib/format';

const stateColor: Record<Hub['state'], string> = {
  connecting: 'blue',
  streaming: 'green',
  recovering: 'orange',
  lingering: 'gray',
  closed: 'gray',
};
const stateLabel: Record<Hub['state'], string> = {
  connecting: 'connecting…',
  streaming: 'streaming',
  recovering: 'recovering…',
  lingering: 'lingering (no viewers)',
  closed: 'closed',
};

/** The clock the durations tick by (one re-render a second). */
function useNow(): number {
  const [now, setNow] = useState(() => Date.now());
  useInterval(() => setNow(Date.now()), 1000, { autoInvoke: true });
  return now;
}

/** `/live`: what is playing now, one card per channel hub, with a Stop button each. */
export function LivePage() {
  const sessions = useQuery({
    queryKey: ['sessions'],
    queryFn: () => api.get<SessionPage>('/api/sessions'),
    refetchInterval: 5_000,
  });
  // Names for the ids the sessions carry (cached; the lineup and accounts change rarely).
  const channels = useQuery({
    queryKey: ['channels', 'names'],
    queryFn: () => api.get<ChannelPage>('/api/channels', { limit: 10_000 }),
    staleTime: 60_000,
  });
  const accounts = useQuery({ queryKey: ['accounts'], queryFn: () => api.get<Account[]>('/api/accounts') });
  const channelNames = useMemo(
    () => new Map((channels.data?.items ?? []).map((c) => [c.channelId, c] as const)),
    [channels.data],
  );
  const accountNames = useMemo(() => new Map((accounts.data ?? []).map((a) => [a.id, a.name])), [accounts.data]);
  const now = useNow();
  const [stopping, setStopping] = useState<Hub | null>(null);
  const hubs = sessions.data?.hubs.filter((h) => h.state !== 'closed') ?? [];

  return (
    <Stack>
      <Title order={2}>Live</Title>
      <QueryState loading={sessions.isPending} error={sessions.error}>
        {hubs.length === 0 ? (
          <Card withBorder p="xl" data-testid="live-empty">
            <Stack align="center" gap="xs">
              <ThemeIcon variant="light" size="xl" radius="xl">
                <IconPlayerPlay aria-hidden />
              </ThemeIcon>
              <Text fw={600}>Nothing is playing</Text>
              <Text size="sm" c="dimmed" ta="center">
                Tune a channel in Plex (or Jellyfin) Live TV and it shows up here within a few seconds.
              </Text>
            </Stack>
          </Card>
        ) : (
          <SimpleGrid cols={{ base: 1, lg: 2 }} data-testid="live-hubs">
            {hubs.map((hub) => {
              const channel = channelNames.get(hub.channelId);
              return (
                <HubCard
                  key={hub.id}
                  hub={hub}
                  now={now}
                  channelName={channel ? `${channel.number ?? '–'} · ${channel.displayName}` : hub.channelId}
                  accountName={hub.candidate ? (accountNames.get(hub.candidate.accountId) ?? null) : null}
                  onStop={() => setStopping(hub)}
                />
              );
            })}
          </SimpleGrid>
        )}
      </QueryState>
      <StopDialog
        hub={stopping}
        name={stopping ? (channelNames.get(stopping.channelId)?.displayName ?? stopping.channelId) : ''}
        onClose={() => setStopping(null)}
      />
    </Stack>
  );
}

function HubCard({
  hub,
  now,
  channelName,
  accountName,
  onStop,
}: {
  hub: Hub;
  now: number;
  channelName: string;
  accountName: string | null;
  onStop: () => void;
}) {
  const c = hub.candidate;
  return (
    <Card withBorder data-testid={`live-hub-${hub.id}`} aria-label={`Playing: ${channelName}`} component="section">
      <Group justify="space-between" wrap="wrap" gap="xs">
        <Stack gap={2} style={{ minWidth: 0 }}>
          <Text fw={700} style={{ overflowWrap: 'anywhere' }}>
            {channelName}
          </Text>
          <Group gap="xs">
            <Badge color={stateColor[hub.state]} variant="light" data-testid={`live-state-${hub.id}`}>
              {stateLabel[hub.state]}
            </Badge>
            <Text size="sm" c="dimmed">
              for <span data-testid={`live-duration-${hub.id}`}>{elapsedSince(hub.startedAt, now)}</span>
            </Text>
          </Group>
        </Stack>
        <Button
          color="red"
          variant="light"
          leftSection={<IconPlayerStop size={18} aria-hidden />}
          onClick={onStop}
          aria-label={`Stop ${channelName}`}
          data-testid={`live-stop-${hub.id}`}
        >
          Stop
        </Button>
      </Group>
      <SimpleGrid cols={{ base: 2, sm: 4 }} mt="sm" spacing="xs">
        <Stat label="Source">
          {c ? (
            <Group gap={4} wrap="wrap">
              <span>{accountName ?? `account ${c.accountId}`}</span>
              <span>· stream {c.streamId}</span>
              <Badge size="xs" variant="outline">
                {c.tier}
              </Badge>
            </Group>
          ) : (
            'connecting…'
          )}
        </Stat>
        <Stat label="In">{formatBitrate(hub.bitrateIn)}</Stat>
        <Stat label="Out">{formatBitrate(hub.bitrateOut)}</Stat>
        <Stat label="Failovers / reconnects">
          <span data-testid={`live-failovers-${hub.id}`}>
            {hub.failovers} / {hub.reconnects}
          </span>
        </Stat>
      </SimpleGrid>
      <Table mt="sm" aria-label={`Viewers of ${channelName}`} data-testid={`live-viewers-${hub.id}`} fz="sm">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Viewer</Table.Th>
            <Table.Th>Sent</Table.Th>
            <Table.Th>Watching for</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {hub.viewers.length === 0 ? (
            <Table.Tr>
              <Table.Td colSpan={3}>
                <Text size="sm" c="dimmed">
                  No viewers (the stream stays open briefly for a quick return).
                </Text>
              </Table.Td>
            </Table.Tr>
          ) : (
            hub.viewers.map((v) => (
              <Table.Tr key={v.id}>
                <Table.Td style={{ overflowWrap: 'anywhere' }}>{v.clientAddress}</Table.Td>
                <Table.Td>{formatBytes(v.bytesSent)}</Table.Td>
                <Table.Td>{elapsedSince(v.startedAt, now)}</Table.Td>
              </Table.Tr>
            ))
          )}
        </Table.Tbody>
      </Table>
    </Card>
  );
}

function Stat({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Stack gap={0}>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text size="sm" component="div">
        {children}
      </Text>
    </Stack>
  );
}

function StopDialog({ hub, name, onClose }: { hub: Hub | null; name: string; onClose: () => void }) {
  const queryClient = useQueryClient();
  const stop = useMutation({
    // pending: DELETE /api/sessions/:hubId
    mutationFn: (id: string) => api.delete<void>(`/api/sessions/${encodeURIComponent(id)}`),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['sessions'] });
      onClose();
    },
  });
  const close = () => {
    stop.reset();
    onClose();
  };
  return (
    <Modal opened={hub !== null} onClose={close} title="Stop this stream?" data-testid="live-dialog-stop">
      <Stack>
        <Text size="sm">
          Every viewer of <b>{name}</b> loses the picture now. Plex may tune it again if someone is still watching.
        </Text>
        <ErrorNote error={stop.error} />
        <Group justify="flex-end">
          <Button variant="default" onClick={close}>
            Cancel
          </Button>
          <Button
            color="red"
            loading={stop.isPending}
            onClick={() => hub && stop.mutate(hub.id)}
            data-testid="live-confirm-stop"
          >
            Stop stream
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
