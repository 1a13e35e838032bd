import { Anchor, Badge, Box, Button, Group, Paper, Select, Stack, Tabs, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedValue, useMediaQuery } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { IconSearch } from '@tabler/icons-react';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { flexRender, getCoreRowModel, useReactTable, type ColumnDef } from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef, useState } from 'react';
import { Link } from 'react-router-dom';
import { api, errorMessage } from '../../api/client';
import type { Account, Channel, ProviderChannel, ProviderChannelPage } from '../../api/types';
import { QueryState } from '../../components/QueryState';
import { sortTiers } from '../../lib/tiers';
import { TierBadge } from '../lineup/badges';
import { channelPath } from '../lineup/LineupPage';

const pageSize = 200;

export function ProvidersPage() {
  const accounts = useQuery({ queryKey: ['accounts'], queryFn: () => api.get<Account[]>('/api/accounts') });
  const [accountId, setAccountId] = useState<string>('all');
  const [tab, setTab] = useState<string | null>('channels');
  return (
    <Stack gap="md">
      <Title order={2}>Provider channels</Title>
      <QueryState loading={accounts.isPending} error={accounts.error}>
        <Select
          label="Account"
          data={[
            { value: 'all', label: 'All accounts' },
            ...(accounts.data ?? []).map((a) => ({
              value: String(a.id),
              label: a.isActive ? a.name : `${a.name} (inactive)`,
            })),
          ]}
          value={accountId}
          onChange={(v) => setAccountId(v ?? 'all')}
          allowDeselect={false}
          maw={{ base: '100%', sm: '24rem' }}
          data-testid="provider-account"
        />
        <Tabs value={tab} onChange={setTab} keepMounted={false}>
          <Tabs.List>
            <Tabs.Tab value="channels" data-testid="tab-channels">
              Channels
            </Tabs.Tab>
            <Tabs.Tab value="orphans" data-testid="tab-orphans">
              Orphans
            </Tabs.Tab>
          </Tabs.List>
          <Tabs.Panel value="channels" pt="sm">
            <ChannelsTab accountId={accountId === 'all' ? undefined : Number(accountId)} />
          </Tabs.Panel>
          <Tabs.Panel value="orphans" pt="sm">
            <OrphansTab accountId={accountId === 'all' ? undefined : Number(accountId)} />
          </Tabs.Panel>
        </Tabs>
      </QueryState>
    </Stack>
  );
}

function ChannelsTab({ accountId }: { accountId: number | undefined }) {
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), 250);
  const query = useInfiniteQuery({
    queryKey: ['provider-channels', 'list', accountId ?? 'all', q],
    queryFn: ({ pageParam }) =>
      api.get<ProviderChannelPage>('/api/provider-channels', { q, accountId, limit: pageSize, offset: pageParam }),
    initialPageParam: 0,
    getNextPageParam: (last, pages) => {
      const loaded = pages.reduce((n, p) => n + p.items.length, 0);
      return last.items.length > 0 && loaded < last.total ? loaded : undefined;
    },
  });
  return (
    <Stack gap="sm">
      <TextInput
        label="Search"
        placeholder="Channel name"
        leftSection={<IconSearch size={16} aria-hidden />}
        value={search}
        onChange={(e) => setSearch(e.currentTarget.value)}
        data-testid="provider-search"
      />
      <ProviderList query={query} label="Provider channels" testid="provider" />
    </Stack>
  );
}

function OrphansTab({ accountId }: { accountId: number | undefined }) {
  const query = useInfiniteQuery({
    queryKey: ['provider-channels', 'orphans'],
    queryFn: ({ pageParam }) =>
      api.get<ProviderChannelPage>('/api/provider-channels/orphans', { limit: pageSize, offset: pageParam }),
    initialPageParam: 0,
    getNextPageParam: (last, pages) => {
      const loaded = pages.reduce((n, p) => n + p.items.length, 0);
      return last.items.length > 0 && loaded < last.total ? loaded : undefined;
    },
  });
  return (
    <Stack gap="sm">
      <Text size="sm" c="dimmed">
        Provider channels that no lineup channel plays. Promoting one makes it a lineup channel of its own (without
        guide data).
        {accountId !== undefined && ' Only the chosen account’s orphans are shown.'}
      </Text>
      <ProviderList query={query} label="Orphan provider channels" testid="orphan" promote accountId={accountId} />
    </Stack>
  );
}

function ProviderList({
  query,
  label,
  testid,
  promote = false,
  accountId,
}: {
  query: {
    data?: { pages: ProviderChannelPage[] };
    isPending: boolean;
    error: unknown;
    hasNextPage: boolean;
    isFetchingNextPage: boolean;
    fetchNextPage: () => unknown;
  };
  label: string;
  testid: string;
  promote?: boolean;
  /** Client-side narrowing (the orphans endpoint has no account filter). */
  accountId?: number;
}) {
  const narrow = useMediaQuery('(max-width: 48em)');
  const loaded = useMemo(() => query.data?.pages.flatMap((p) => p.items) ?? [], [query.data]);
  const rowsData = useMemo(
    () => (promote && accountId !== undefined ? loaded.filter((p) => p.accountId === accountId) : loaded),
    [loaded, promote, accountId],
  );
  const total = query.data?.pages[0]?.total ?? 0;
  const [promoted, setPromoted] = useState<Record<number, Channel>>({});

  const columns = useMemo<ColumnDef<ProviderChannel>[]>(
    () => [
      {
        id: 'name',
        header: 'Name',
        cell: ({ row }) => (
          <Box miw={0}>
            <Text size="sm" fw={500} truncate="end">
              {row.original.name}
            </Text>
            <Text size="xs" c="dimmed" truncate="end">
              {row.original.accountName}
              {row.original.epgChannelId ? ` · ${row.original.epgChannelId}` : ''}
            </Text>
          </Box>
        ),
      },
      {
        id: 'category',
        header: 'Group',
        cell: ({ row }) => (
          <Text size="sm" truncate="end">
            {row.original.categoryName ?? '–'}
          </Text>
        ),
      },
      {
        id: 'tiers',
        header: 'Variants',
        cell: ({ row }) => (
          <Group gap={4} wrap="wrap">
            {sortTiers(row.original.tiers).map((t) => (
              <TierBadge key={t} tier={t} />
            ))}
          </Group>
        ),
      },
      {
        id: 'mapped',
        header: promote ? 'Lineup' : 'Plays',
        cell: ({ row }) => (
          <MappedCell channel={row.original} promote={promote} promoted={promoted} onPromoted={setPromoted} />
        ),
      },
    ],
    [promote, promoted],
  );
  const table = useReactTable({
    data: rowsData,
    columns,
    getCoreRowModel: getCoreRowModel(),
    getRowId: (p) => String(p.id),
    state: { columnVisibility: narrow ? { category: false } : {} },
  });
  const widths: Record<string, string> = {
    name: 'minmax(0, 2fr)',
    category: 'minmax(0, 1fr)',
    tiers: 'minmax(0, 1fr)',
    mapped: 'minmax(0, 1.2fr)',
  };
  const gridTemplateColumns = table
    .getVisibleLeafColumns()
    .map((c) => widths[c.id] ?? '1fr')
    .join(' ');
  const rows = table.getRowModel().rows;

  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => 52,
    overscan: 12,
    getItemKey: (i) => rows[i]?.id ?? i,
  });
  const items = virtualizer.getVirtualItems();
  const lastIndex = items[items.length - 1]?.index ?? -1;
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = query;
  useEffect(() => {
    // Fetch the next page when the user nears the end of what is loaded.
    if (hasNextPage && !isFetchingNextPage && lastIndex >= rows.length - 40) void fetchNextPage();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage, lastIndex, rows.length]);

  return (
    <QueryState loading={query.isPending} error={query.error}>
      <Text size="sm" c="dimmed" data-testid={`${testid}-count`}>
        {promote && accountId !== undefined
          ? `${rowsData.length} of ${loaded.length} loaded`
          : `${loaded.length} of ${total} loaded`}
        {isFetchingNextPage ? ' · loading more…' : ''}
      </Text>
      <Paper withBorder radius="md" role="table" aria-label={label} aria-rowcount={total + 1}>
        {table.getHeaderGroups().map((group) => (
          <Box
            key={group.id}
            role="row"
            px="xs"
            py={6}
            style={{
              display: 'grid',
              gridTemplateColumns,
              gap: 8,
              borderBottom: '1px solid var(--mantine-color-default-border)',
            }}
          >
            {group.headers.map((header) => (
              <Text key={header.id} role="columnheader" size="xs" fw={700} tt="uppercase" c="dimmed">
                {flexRender(header.column.columnDef.header, header.getContext())}
              </Text>
            ))}
          </Box>
        ))}
        {rows.length === 0 ? (
          <Text p="md" c="dimmed" data-testid={`${testid}-empty`}>
            {promote ? 'No orphans: every provider channel plays a lineup channel.' : 'No provider channel found.'}
          </Text>
        ) : (
          <Box
            ref={scrollRef}
            style={{ height: 'max(320px, calc(100dvh - 360px))', overflowY: 'auto' }}
            data-testid={`${testid}-scroll`}
          >
            <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
              {items.map((item) => {
                const row = rows[item.index];
                if (!row) return null;
                return (
                  <Box
                    key={row.id}
                    ref={virtualizer.measureElement}
                    data-index={item.index}
                    role="row"
                    aria-rowindex={item.index + 2}
                    data-testid={`${testid}-row-${row.original.id}`}
                    px="xs"
                    py={6}
                    style={{
                      position: 'absolute',
                      top: 0,
                      left: 0,
                      width: '100%',
                      transform: `translateY(${item.start}px)`,
                      display: 'grid',
                      gridTemplateColumns,
                      alignItems: 'center',
                      gap: 8,
                      borderBottom: '1px solid var(--mantine-color-default-border)',
                    }}
                  >
                    {row.getVisibleCells().map((cell) => (
                      <Box key={cell.id} role="cell" miw={0}>
                        {flexRender(cell.column.columnDef.cell, cell.getContext())}
                      </Box>
                    ))}
                  </Box>
                );
              })}
            </div>
          </Box>
        )}
      </Paper>
    </QueryState>
  );
}

function MappedCell({
  channel,
  promote,
  promoted,
  onPromoted,
}: {
  channel: ProviderChannel;
  promote: boolean;
  promoted: Record<number, Channel>;
  onPromoted: (update: (p: Record<number, Channel>) => Record<number, Channel>) => void;
}) {
  const queryClient = useQueryClient();
  const mutation = useMutation({
    mutationFn: () => api.post<Channel>(`/api/provider-channels/${channel.id}/promote`),
    onSuccess: (created) => {
      onPromoted((p) => ({ ...p, [channel.id]: created }));
      notifications.show({ message: `"${created.displayName}" is now lineup channel ${created.number ?? ''}`.trim() });
      void queryClient.invalidateQueries({ queryKey: ['channels'] });
      // The orphans list keeps its row (with the link) until the next visit; the search list refreshes.
      void queryClient.invalidateQueries({ queryKey: ['provider-channels', 'list'] });
    },
  });
  const created = promoted[channel.id];
  if (created)
    return (
      <Anchor component={Link} to={channelPath(created.id)} size="sm" data-testid={`promoted-link-${channel.id}`}>
        Open {created.displayName}
      </Anchor>
    );
  if (promote)
    return (
      <Stack gap={2}>
        <Button
          size="compact-xs"
          variant="light"
          loading={mutation.isPending}
          onClick={() => mutation.mutate()}
          aria-label={`Promote ${channel.name} to a lineup channel`}
          data-testid={`promote-${channel.id}`}
        >
          Promote to lineup channel
        </Button>
        {mutation.error && (
          <Text size="xs" c="red" role="alert" data-testid={`promote-error-${channel.id}`}>
            {errorMessage(mutation.error)}
          </Text>
        )}
      </Stack>
    );
  if (channel.mappedTo.length === 0)
    return (
      <Badge variant="outline" color="gray" size="sm">
        orphan
      </Badge>
    );
  return (
    <Group gap={4} wrap="wrap">
      {channel.mappedTo.map((m) => (
        <Anchor
          key={m.id}
          component={Link}
          to={channelPath(m.id)}
          size="sm"
          data-testid={`mapped-link-${channel.id}-${m.id}`}
        >
          {m.displayName}
          {m.isPrimary ? ' ★' : ''}
        </Anchor>
      ))}
    </Group>
  );
}
