import {
  Anchor,
  Badge,
  Box,
  Button,
  CopyButton,
  Group,
  Image,
  Modal,
  Paper,
  Select,
  Stack,
  Switch,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { useDebouncedValue, useInterval } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { IconCheck, IconCopy, IconExternalLink, IconPlus, IconStar, IconTrash } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { ApiError, api, errorMessage } from '../../api/client';
import type { Account, Channel, ChannelProgrammes, Mapping, ProviderChannelPage } from '../../api/types';
import { ErrorNote, QueryState } from '../../components/QueryState';
import { currentIndex, dayBounds, progressPercent, sortByStart } from '../../lib/programmes';
import { sortTiers } from '../../lib/tiers';
import { StatusBadge, TierBadge, confidenceText } from '../lineup/badges';
import { NumberCell } from '../lineup/LineupPage';
import { usePatchChannel } from '../lineup/queries';

/** The route's id, decoded (links encode it). */
function useChannelId(): number | null {
  const { id = '' } = useParams();
  let decoded = id;
  try {
    decoded = decodeURIComponent(id);
  } catch {
    // a malformed escape: keep the raw text, which then fails the number check
  }
  return /^\d+$/.test(decoded) ? Number(decoded) : null;
}

export function ChannelPage() {
  const id = useChannelId();
  const channel = useQuery({
    queryKey: ['channel', id],
    queryFn: () => api.get<Channel>(`/api/channels/${id}`),
    enabled: id !== null,
  });
  if (id === null) return <ErrorNote error={new Error('This is not a channel address.')} />;
  return (
    <Stack gap="lg">
      <Anchor component={Link} to="/lineup" size="sm">
        ← Lineup
      </Anchor>
      <QueryState loading={channel.isPending} error={channel.error}>
        {channel.data && <ChannelDetail channel={channel.data} />}
      </QueryState>
    </Stack>
  );
}

/** Every mutation of a channel answers with the channel: the page and the lineup take it. */
function useChannelMutation<V>(fn: (vars: V) => Promise<Channel>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: (channel) => {
      queryClient.setQueryData(['channel', channel.id], channel);
      void queryClient.invalidateQueries({ queryKey: ['channels'] });
      void queryClient.invalidateQueries({ queryKey: ['provider-channels'] });
    },
  });
}

function ChannelDetail({ channel }: { channel: Channel }) {
  const patch = usePatchChannel();
  const streamUrl = `${window.location.origin}/stream/${encodeURIComponent(channel.channelId)}`;
  return (
    <Stack gap="lg">
      <Group gap="md" align="center" wrap="wrap">
        {channel.icon && <Image src={channel.icon} alt={`${channel.displayName} logo`} h={56} w={80} fit="contain" />}
        <Box style={{ flex: '1 1 12rem' }} miw={0}>
          <Group gap="xs" align="baseline" wrap="wrap">
            <NumberCell channel={channel} size="xl" />
            <Title order={2} data-testid="channel-name">
              {channel.displayName}
            </Title>
          </Group>
          <Group gap="xs" wrap="wrap">
            <Text size="sm" c="dimmed" style={{ wordBreak: 'break-all' }} data-testid="channel-guide-id">
              {channel.channelId}
            </Text>
            <StatusBadge status={channel.matchStatus} />
            {channel.isSynthetic && (
              <Badge variant="outline" size="sm">
                no guide
              </Badge>
            )}
          </Group>
        </Box>
        <Switch
          label="Enabled"
          checked={channel.enabled}
          disabled={patch.isPending}
          onChange={(e) =>
            patch.mutate(
              { id: channel.id, patch: { enabled: e.currentTarget.checked } },
              {
                onError: (error) =>
                  notifications.show({ color: 'red', title: 'Not changed', message: errorMessage(error) }),
              },
            )
          }
          data-testid="channel-enabled"
        />
      </Group>
      {channel.streamsLostAt && (
        <Text c="red" size="sm">
          Its streams were lost on {new Date(channel.streamsLostAt).toLocaleString()}.
        </Text>
      )}

      <Group gap="sm" wrap="wrap">
        <CopyButton value={streamUrl}>
          {({ copied, copy }) => (
            <Button
              variant="default"
              leftSection={copied ? <IconCheck size={16} aria-hidden /> : <IconCopy size={16} aria-hidden />}
              onClick={copy}
              data-testid="copy-stream-url"
            >
              {copied ? 'Copied' : 'Copy stream URL'}
            </Button>
          )}
        </CopyButton>
        <Button
          component="a"
          href={streamUrl}
          target="_blank"
          rel="noreferrer"
          variant="default"
          leftSection={<IconExternalLink size={16} aria-hidden />}
          data-testid="open-stream"
        >
          Open in player
        </Button>
        <Text size="xs" c="dimmed">
          MPEG-TS: open it in VLC or mpv (most browsers cannot play it).
        </Text>
      </Group>

      <Mappings channel={channel} />
      <TodayGuide channel={channel} />
    </Stack>
  );
}

function Mappings({ channel }: { channel: Channel }) {
  const accounts = useQuery({ queryKey: ['accounts'], queryFn: () => api.get<Account[]>('/api/accounts') });
  const accountName = (id: number) => accounts.data?.find((a) => a.id === id)?.name ?? `Account ${id}`;
  const [confirm, setConfirm] = useState<Mapping | null>(null);
  // Removed ones stay removed (the matcher never brings them back); the API does not list them, so
  // this page remembers the ones removed here, to add back.
  const [removed, setRemoved] = useState<Mapping[]>([]);
  const primary = useChannelMutation((xtreamChannelId: number) =>
    api.post<Channel>(`/api/channels/${channel.id}/primary`, { xtreamChannelId }),
  );
  const remove = useChannelMutation((xtreamChannelId: number) =>
    api.delete<Channel>(`/api/channels/${channel.id}/mappings/${xtreamChannelId}`),
  );
  const add = useChannelMutation((xtreamChannelId: number) =>
    api.post<Channel>(`/api/channels/${channel.id}/mappings`, { xtreamChannelId }),
  );
  const mapped = new Set(channel.mappings.map((m) => m.xtreamChannelId));
  const removedHere = removed.filter((m) => !mapped.has(m.xtreamChannelId));

  return (
    <Stack gap="sm">
      <Title order={3}>Streams</Title>
      <ErrorNote error={primary.error ?? remove.error} />
      {channel.mappings.length === 0 ? (
        <Text c="dimmed" data-testid="no-mappings">
          No stream plays this channel yet: add one below.
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={640}>
          <Table aria-label={`Streams of ${channel.displayName}`} verticalSpacing="xs" highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Provider channel</Table.Th>
                <Table.Th>Account</Table.Th>
                <Table.Th>Tier</Table.Th>
                <Table.Th>Confidence</Table.Th>
                <Table.Th>Source</Table.Th>
                <Table.Th>Primary</Table.Th>
                <Table.Th>
                  <span
                    style={{ position: 'absolute', width: 1, height: 1, overflow: 'hidden', clip: 'rect(0 0 0 0)' }}
                  >
                    Remove
                  </span>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {channel.mappings.map((m) => (
                <Table.Tr key={m.xtreamChannelId} data-testid={`mapping-${m.xtreamChannelId}`}>
                  <Table.Td>{m.name}</Table.Td>
                  <Table.Td>{accountName(m.accountId)}</Table.Td>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>
                    <TierBadge tier={m.tier} />
                  </Table.Td>
                  <Table.Td>{confidenceText(m.confidence)}</Table.Td>
                  <Table.Td>
                    <Badge variant="light" color={m.isManual ? 'violet' : 'gray'} size="sm">
                      {m.isManual ? 'manual' : 'automatic'}
                    </Badge>
                  </Table.Td>
                  <Table.Td>
                    {m.isPrimary ? (
                      <Badge
                        leftSection={<IconStar size={12} aria-hidden />}
                        data-testid={`primary-${m.xtreamChannelId}`}
                      >
                        primary
                      </Badge>
                    ) : (
                      <Button
                        size="compact-xs"
                        variant="light"
                        loading={primary.isPending && primary.variables === m.xtreamChannelId}
                        onClick={() => primary.mutate(m.xtreamChannelId)}
                        aria-label={`Make ${m.name} primary`}
                        data-testid={`make-primary-${m.xtreamChannelId}`}
                      >
                        Make primary
                      </Button>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Button
                      size="compact-xs"
                      variant="subtle"
                      color="red"
                      leftSection={<IconTrash size={14} aria-hidden />}
                      aria-label={`Remove ${m.name}`}
                      onClick={() => setConfirm(m)}
                      data-testid={`remove-mapping-${m.xtreamChannelId}`}
                    >
                      Remove
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}

      {removedHere.length > 0 && (
        <Paper withBorder p="sm" data-testid="removed-mappings">
          <Text size="sm" fw={500} mb={4}>
            Removed (the matcher will not add these back)
          </Text>
          <Stack gap={4}>
            {removedHere.map((m) => (
              <Group key={m.xtreamChannelId} gap="xs" justify="space-between" wrap="wrap">
                <Group gap="xs">
                  <TierBadge tier={m.tier} />
                  <Text size="sm">
                    {m.name} · {accountName(m.accountId)}
                  </Text>
                </Group>
                <Button
                  size="compact-xs"
                  variant="light"
                  loading={add.isPending && add.variables === m.xtreamChannelId}
                  onClick={() => add.mutate(m.xtreamChannelId)}
                  data-testid={`add-back-${m.xtreamChannelId}`}
                >
                  Add back
                </Button>
              </Group>
            ))}
          </Stack>
        </Paper>
      )}

      <AddStream channel={channel} add={add} />

      <Modal opened={confirm !== null} onClose={() => setConfirm(null)} title="Remove this stream?" centered>
        <Stack>
          <Text size="sm">
            {confirm?.name} will no longer play {channel.displayName}, and later matching runs will not add it back.
          </Text>
          <ErrorNote error={remove.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirm(null)}>
              Cancel
            </Button>
            <Button
              color="red"
              loading={remove.isPending}
              data-testid="confirm-remove-mapping"
              onClick={() => {
                if (!confirm) return;
                const m = confirm;
                remove.mutate(m.xtreamChannelId, {
                  onSuccess: () => {
                    setRemoved((r) => [...r.filter((x) => x.xtreamChannelId !== m.xtreamChannelId), m]);
                    setConfirm(null);
                  },
                });
              }}
            >
              Remove
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}

function AddStream({ channel, add }: { channel: Channel; add: ReturnType<typeof useChannelMutation<number>> }) {
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), 250);
  const [choice, setChoice] = useState<string | null>(null);
  const results = useQuery({
    queryKey: ['provider-channels', 'search', q],
    queryFn: () => api.get<ProviderChannelPage>('/api/provider-channels', { q, limit: 50 }),
    enabled: q.length >= 2,
  });
  const mapped = new Set(channel.mappings.map((m) => m.xtreamChannelId));
  const options = useMemo(
    () =>
      (results.data?.items ?? [])
        .filter((p) => !mapped.has(p.id))
        .map((p) => ({
          value: String(p.id),
          label: `${p.name} · ${p.accountName}${p.tiers.length ? ` (${sortTiers(p.tiers).join('/')})` : ''}${p.categoryName ? ` · ${p.categoryName}` : ''}`,
        })),
    [results.data, channel.mappings],
  );
  useEffect(() => setChoice(null), [channel.id]);
  return (
    <Group align="flex-end" gap="sm" wrap="wrap">
      <Select
        label="Add a stream"
        placeholder="Search provider channels (2+ letters)"
        searchable
        searchValue={search}
        onSearchChange={setSearch}
        data={options}
        value={choice}
        onChange={setChoice}
        filter={({ options: all }) => all}
        nothingFoundMessage={
          q.length < 2 ? 'Type at least 2 letters' : results.isFetching ? 'Searching…' : 'No provider channel found'
        }
        error={results.error ? errorMessage(results.error) : add.error ? errorMessage(add.error) : undefined}
        style={{ flex: '1 1 18rem' }}
        data-testid="add-stream-search"
      />
      <Button
        leftSection={<IconPlus size={16} aria-hidden />}
        disabled={!choice}
        loading={add.isPending}
        onClick={() =>
          choice &&
          add.mutate(Number(choice), {
            onSuccess: () => {
              setChoice(null);
              setSearch('');
            },
          })
        }
        data-testid="add-stream"
      >
        Add
      </Button>
    </Group>
  );
}

function TodayGuide({ channel }: { channel: Channel }) {
  const [now, setNow] = useState(() => new Date());
  useInterval(() => setNow(new Date()), 60_000, { autoInvoke: true });
  const { from, to } = dayBounds(now);
  const guide = useQuery({
    queryKey: ['channel', channel.id, 'programmes', from.toISOString()],
    queryFn: () =>
      api.get<ChannelProgrammes>(`/api/channels/${channel.id}/programmes`, {
        from: from.toISOString(),
        to: to.toISOString(),
      }),
  });
  const items = useMemo(() => sortByStart(guide.data?.channel.programmes ?? []), [guide.data]);
  const current = currentIndex(items, now);
  const time = (iso: string) => new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  return (
    <Stack gap="sm">
      <Title order={3}>Today</Title>
      <QueryState
        loading={guide.isPending}
        error={guide.error instanceof ApiError && guide.error.status === 404 ? null : guide.error}
      >
        {items.length === 0 ? (
          <Text c="dimmed" data-testid="guide-empty">
            {channel.isSynthetic ? 'This channel has no guide source.' : 'No programmes for today.'}
          </Text>
        ) : (
          <Stack
            gap={2}
            component="ol"
            style={{ listStyle: 'none', padding: 0, margin: 0 }}
            aria-label="Today's programmes"
          >
            {items.map((p, i) => (
              <Paper
                key={`${p.start}-${i}`}
                component="li"
                p="xs"
                withBorder={i === current}
                bg={i === current ? 'var(--mantine-primary-color-light)' : undefined}
                aria-current={i === current ? 'true' : undefined}
                data-testid={i === current ? 'programme-current' : `programme-${i}`}
              >
                <Group gap="sm" wrap="nowrap" align="flex-start">
                  <Text size="sm" ff="monospace" c={i < current ? 'dimmed' : undefined} style={{ flexShrink: 0 }}>
                    {time(p.start)}–{time(p.stop)}
                  </Text>
                  <Box miw={0}>
                    <Text size="sm" fw={i === current ? 700 : 500} c={i < current ? 'dimmed' : undefined}>
                      {p.title}
                      {p.subtitle ? `: ${p.subtitle}` : ''}
                      {i === current && (
                        <Badge ml="xs" size="xs">
                          now · {Math.round(progressPercent(p, now))}%
                        </Badge>
                      )}
                    </Text>
                    {p.description && (
                      <Text size="xs" c="dimmed" lineClamp={2}>
                        {p.description}
                      </Text>
                    )}
                  </Box>
                </Group>
              </Paper>
            ))}
          </Stack>
        )}
      </QueryState>
    </Stack>
  );
}
