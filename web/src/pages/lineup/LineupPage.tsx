import {
  DndContext,
  KeyboardSensor,
  PointerSensor,
  closestCenter,
  useSensor,
  useSensors,
  type DragEndEvent,
} from '@dnd-kit/core';
import {
  SortableContext,
  sortableKeyboardCoordinates,
  useSortable,
  verticalListSortingStrategy,
} from '@dnd-kit/sortable';
import {
  ActionIcon,
  Alert,
  Anchor,
  Box,
  Button,
  Checkbox,
  Group,
  Image,
  NumberInput,
  Paper,
  Select,
  Stack,
  Switch,
  Text,
  TextInput,
  Title,
  UnstyledButton,
} from '@mantine/core';
import { useDebouncedValue, useMediaQuery } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { IconAlertTriangle, IconGripVertical, IconSearch } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { flexRender, getCoreRowModel, useReactTable, type ColumnDef, type Row } from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import {
  createContext,
  useCallback,
  useContext,
  useMemo,
  useRef,
  useState,
  type MouseEvent,
  type ReactNode,
} from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { api, errorMessage } from '../../api/client';
import type { Channel, Updated } from '../../api/types';
import { QueryState } from '../../components/QueryState';
import { checkChannelNumber } from '../../lib/channel-number';
import {
  emptyFilter,
  enabledCount,
  filterChannels,
  isFiltered,
  plexChannelLimit,
  primaryMapping,
  type LineupFilter,
} from '../../lib/lineup-filters';
import { applySubsetOrder, moveIds, sortByOrder } from '../../lib/reorder';
import { StatusBadge, TierBadge, confidenceText } from './badges';
import { allChannelsKey, useAllChannels, useBulkEnable, usePatchChannel } from './queries';

/** Link to a channel's page (the id is a number, encoded anyway so the route never breaks). */
export function channelPath(id: number | string): string {
  return `/channels/${encodeURIComponent(String(id))}`;
}

export function LineupPage() {
  const channels = useAllChannels();
  return (
    <Stack gap="md">
      <Title order={2}>Lineup</Title>
      <QueryState loading={channels.isPending} error={channels.error}>
        {channels.data && <LineupTable channels={channels.data} />}
      </QueryState>
    </Stack>
  );
}

interface RowHandlers {
  selected: ReadonlySet<number>;
  toggleSelected: (id: number) => void;
  dragDisabled: boolean;
}

const RowContext = createContext<RowHandlers>({ selected: new Set(), toggleSelected: () => {}, dragDisabled: false });

/** What the drag handle of the row it sits in needs from useSortable. */
const HandleContext = createContext<{
  ref: (node: HTMLElement | null) => void;
  props: Record<string, unknown>;
} | null>(null);

const widths: Record<string, string> = {
  select: '36px',
  handle: '36px',
  number: 'minmax(72px, 0.5fr)',
  logo: '44px',
  name: 'minmax(0, 2fr)',
  stream: 'minmax(0, 2fr)',
  confidence: 'minmax(56px, 0.5fr)',
  status: 'minmax(96px, 0.7fr)',
  enabled: '64px',
};

const narrowWidths: Record<string, string> = { select: '28px', handle: '28px', number: '52px', enabled: '48px' };

function LineupTable({ channels }: { channels: Channel[] }) {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const narrow = useMediaQuery('(max-width: 48em)');
  const [filter, setFilter] = useState<LineupFilter>(emptyFilter);
  const [q] = useDebouncedValue(filter.q, 150);
  const effective = useMemo(() => ({ ...filter, q }), [filter, q]);
  const visible = useMemo(() => filterChannels(channels, effective), [channels, effective]);
  const visibleIds = useMemo(() => visible.map((c) => c.id), [visible]);
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const enabled = enabledCount(channels);
  const bulk = useBulkEnable();

  const toggleSelected = useCallback(
    (id: number) =>
      setSelected((s) => {
        const next = new Set(s);
        if (next.has(id)) next.delete(id);
        else next.add(id);
        return next;
      }),
    [],
  );
  const selectedVisible = visibleIds.filter((id) => selected.has(id));
  const allVisibleSelected = visibleIds.length > 0 && selectedVisible.length === visibleIds.length;

  const reorder = useMutation({
    mutationFn: (ids: number[]) => api.post<Updated>('/api/channels/reorder', { ids }),
    onMutate: (ids) => {
      const before = queryClient.getQueryData<Channel[]>(allChannelsKey);
      if (before) {
        const order = applySubsetOrder(
          before.map((c) => c.id),
          ids,
        );
        queryClient.setQueryData(allChannelsKey, sortByOrder(before, order));
      }
      return { before };
    },
    onError: (error, _ids, context) => {
      if (context?.before) queryClient.setQueryData(allChannelsKey, context.before);
      notifications.show({ color: 'red', title: 'The new order was not saved', message: errorMessage(error) });
    },
    onSettled: () => void queryClient.invalidateQueries({ queryKey: ['channels'] }),
  });

  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 5 } }),
    useSensor(KeyboardSensor, { coordinateGetter: sortableKeyboardCoordinates }),
  );
  const onDragEnd = ({ active, over }: DragEndEvent) => {
    if (!over || active.id === over.id) return;
    const next = moveIds(visibleIds, Number(active.id), Number(over.id), selected);
    if (next.every((id, i) => id === visibleIds[i])) return;
    reorder.mutate(next);
  };

  const columns = useMemo<ColumnDef<Channel>[]>(
    () => [
      { id: 'select', header: () => null, cell: ({ row }) => <SelectCell channel={row.original} /> },
      {
        id: 'handle',
        header: () => <VisuallyHidden>Move</VisuallyHidden>,
        cell: ({ row }) => <DragHandle channel={row.original} />,
      },
      { id: 'number', header: 'No.', cell: ({ row }) => <NumberCell channel={row.original} /> },
      {
        id: 'logo',
        header: () => <VisuallyHidden>Logo</VisuallyHidden>,
        cell: ({ row }) =>
          row.original.icon ? (
            <Image
              src={row.original.icon}
              alt={`${row.original.displayName} logo`}
              loading="lazy"
              h={28}
              w={36}
              fit="contain"
            />
          ) : null,
      },
      {
        id: 'name',
        header: 'Name / guide id',
        cell: ({ row }) => (
          <Box miw={0}>
            <Anchor
              component={Link}
              to={channelPath(row.original.id)}
              fw={500}
              lineClamp={1}
              data-testid={`channel-link-${row.original.id}`}
            >
              {row.original.displayName}
            </Anchor>
            <Text size="xs" c="dimmed" truncate="end">
              {row.original.channelId}
            </Text>
          </Box>
        ),
      },
      {
        id: 'stream',
        header: 'Primary stream',
        cell: ({ row }) => {
          const primary = primaryMapping(row.original);
          if (!primary)
            return (
              <Text size="sm" c="dimmed">
                No stream
              </Text>
            );
          return (
            <Group gap={6} wrap="nowrap" miw={0}>
              <TierBadge tier={primary.tier} />
              <Text size="sm" truncate="end">
                {primary.name}
              </Text>
            </Group>
          );
        },
      },
      {
        id: 'confidence',
        header: 'Match',
        cell: ({ row }) => {
          const primary = primaryMapping(row.original);
          return (
            <Text size="sm">{primary ? (primary.isManual ? 'manual' : confidenceText(primary.confidence)) : '–'}</Text>
          );
        },
      },
      { id: 'status', header: 'Status', cell: ({ row }) => <StatusBadge status={row.original.matchStatus} /> },
      { id: 'enabled', header: 'On', cell: ({ row }) => <EnabledSwitch channel={row.original} /> },
    ],
    [],
  );

  const table = useReactTable({
    data: visible,
    columns,
    getCoreRowModel: getCoreRowModel(),
    getRowId: (c) => String(c.id),
    state: { columnVisibility: narrow ? { logo: false, stream: false, confidence: false, status: false } : {} },
  });
  const gridTemplateColumns = table
    .getVisibleLeafColumns()
    .map((c) => (narrow ? narrowWidths[c.id] : undefined) ?? widths[c.id] ?? '1fr')
    .join(' ');
  const rows = table.getRowModel().rows;

  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => 52,
    overscan: 10,
    getItemKey: (i) => rows[i]?.id ?? i,
  });

  const runBulk = (value: boolean) =>
    bulk.mutate(
      { ids: selectedVisible, enabled: value },
      {
        onSuccess: ({ updated }) => {
          notifications.show({
            message: `${updated} channel${updated === 1 ? '' : 's'} ${value ? 'enabled' : 'disabled'}`,
          });
          setSelected(new Set());
        },
        onError: (error) =>
          notifications.show({ color: 'red', title: 'Bulk change failed', message: errorMessage(error) }),
      },
    );

  const handlers = useMemo(
    () => ({ selected, toggleSelected, dragDisabled: reorder.isPending }),
    [selected, toggleSelected, reorder.isPending],
  );

  return (
    <Stack gap="sm">
      {enabled > plexChannelLimit && (
        <Alert
          color="yellow"
          icon={<IconAlertTriangle aria-hidden />}
          title="Too many channels for Plex"
          data-testid="plex-limit-alert"
        >
          {enabled} channels are enabled. Plex shows at most {plexChannelLimit} channels per tuner; disable some, or
          Plex will drop the rest.
        </Alert>
      )}
      <Group gap="sm" align="flex-end" wrap="wrap">
        <TextInput
          label="Search"
          placeholder="Name, guide id or number"
          leftSection={<IconSearch size={16} aria-hidden />}
          value={filter.q}
          onChange={(e) => setFilter({ ...filter, q: e.currentTarget.value })}
          data-testid="lineup-search"
          style={{ flex: '1 1 14rem' }}
        />
        <Select
          label="Status"
          data={[
            { value: 'all', label: 'Any status' },
            { value: 'matched', label: 'Matched' },
            { value: 'unmatched', label: 'Unmatched' },
            { value: 'lost', label: 'Lost' },
          ]}
          value={filter.status}
          onChange={(v) => setFilter({ ...filter, status: v ?? 'all' })}
          allowDeselect={false}
          data-testid="filter-status"
          style={{ flex: '1 1 9rem' }}
        />
        <Select
          label="Enabled"
          data={[
            { value: 'all', label: 'Enabled or not' },
            { value: 'enabled', label: 'Enabled' },
            { value: 'disabled', label: 'Disabled' },
          ]}
          value={filter.enabled}
          onChange={(v) => setFilter({ ...filter, enabled: v ?? 'all' })}
          allowDeselect={false}
          data-testid="filter-enabled"
          style={{ flex: '1 1 9rem' }}
        />
        <Select
          label="Tier"
          data={[
            { value: 'all', label: 'Any tier' },
            { value: '4K', label: '4K' },
            { value: 'FHD', label: 'FHD' },
            { value: 'HD', label: 'HD' },
            { value: 'SD', label: 'SD' },
            { value: 'unknown', label: 'Unknown' },
            { value: 'none', label: 'No stream' },
          ]}
          value={filter.tier}
          onChange={(v) => setFilter({ ...filter, tier: v ?? 'all' })}
          allowDeselect={false}
          data-testid="filter-tier"
          style={{ flex: '1 1 8rem' }}
        />
        {isFiltered(filter) && (
          <Button variant="subtle" onClick={() => setFilter(emptyFilter)} data-testid="filter-clear">
            Clear filters
          </Button>
        )}
      </Group>
      <Group justify="space-between" gap="xs" wrap="wrap">
        <Text size="sm" c="dimmed" data-testid="lineup-count">
          Showing {visible.length} of {channels.length} · {enabled} enabled
        </Text>
        {selectedVisible.length > 0 && (
          <Group gap="xs" data-testid="bulk-bar">
            <Text size="sm">{selectedVisible.length} selected</Text>
            <Button size="xs" onClick={() => runBulk(true)} loading={bulk.isPending} data-testid="bulk-enable">
              Enable
            </Button>
            <Button
              size="xs"
              variant="default"
              onClick={() => runBulk(false)}
              loading={bulk.isPending}
              data-testid="bulk-disable"
            >
              Disable
            </Button>
            <Button size="xs" variant="subtle" onClick={() => setSelected(new Set())} data-testid="bulk-clear">
              Clear selection
            </Button>
          </Group>
        )}
      </Group>
      <Paper withBorder radius="md" role="table" aria-label="Lineup channels" aria-rowcount={rows.length + 1}>
        {table.getHeaderGroups().map((group) => (
          <Box
            key={group.id}
            role="row"
            px="xs"
            py={6}
            style={{
              display: 'grid',
              gridTemplateColumns,
              alignItems: 'center',
              gap: 8,
              borderBottom: '1px solid var(--mantine-color-default-border)',
            }}
          >
            {group.headers.map((header) => (
              <Box key={header.id} role="columnheader">
                {header.column.id === 'select' ? (
                  <Checkbox
                    aria-label="Select all shown channels"
                    checked={allVisibleSelected}
                    indeterminate={selectedVisible.length > 0 && !allVisibleSelected}
                    onChange={() => setSelected(allVisibleSelected ? new Set() : new Set([...selected, ...visibleIds]))}
                    data-testid="select-all"
                  />
                ) : (
                  <Text size="xs" fw={700} tt="uppercase" c="dimmed">
                    {flexRender(header.column.columnDef.header, header.getContext())}
                  </Text>
                )}
              </Box>
            ))}
          </Box>
        ))}
        {rows.length === 0 ? (
          <Text p="md" c="dimmed" data-testid="lineup-empty">
            {channels.length === 0
              ? 'The lineup is empty: add a guide source and an account first.'
              : 'No channel matches these filters.'}
          </Text>
        ) : (
          <Box
            ref={scrollRef}
            style={{ height: 'max(320px, calc(100dvh - 320px))', overflowY: 'auto' }}
            data-testid="lineup-scroll"
          >
            <RowContext.Provider value={handlers}>
              <DndContext sensors={sensors} collisionDetection={closestCenter} onDragEnd={onDragEnd}>
                <SortableContext items={visibleIds} strategy={verticalListSortingStrategy}>
                  <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
                    {virtualizer.getVirtualItems().map((item) => {
                      const row = rows[item.index];
                      if (!row) return null;
                      return (
                        <SortableRow
                          key={row.id}
                          row={row}
                          index={item.index}
                          start={item.start}
                          measure={virtualizer.measureElement}
                          gridTemplateColumns={gridTemplateColumns}
                          onOpen={() => void navigate(channelPath(row.original.id))}
                        />
                      );
                    })}
                  </div>
                </SortableContext>
              </DndContext>
            </RowContext.Provider>
          </Box>
        )}
      </Paper>
    </Stack>
  );
}

function VisuallyHidden({ children }: { children: ReactNode }) {
  return (
    <Box
      component="span"
      style={{ position: 'absolute', width: 1, height: 1, overflow: 'hidden', clip: 'rect(0 0 0 0)' }}
    >
      {children}
    </Box>
  );
}

/** Clicks on controls inside a row do not open the channel. */
function fromControl(event: MouseEvent): boolean {
  return !!(event.target as HTMLElement).closest('button, input, a, label, [role="switch"], [data-no-row-click]');
}

function SortableRow({
  row,
  index,
  start,
  measure,
  gridTemplateColumns,
  onOpen,
}: {
  row: Row<Channel>;
  index: number;
  start: number;
  measure: (node: Element | null) => void;
  gridTemplateColumns: string;
  onOpen: () => void;
}) {
  const { dragDisabled, selected } = useContext(RowContext);
  const channel = row.original;
  const { attributes, listeners, setNodeRef, setActivatorNodeRef, transform, transition, isDragging } = useSortable({
    id: channel.id,
    disabled: dragDisabled,
  });
  const handle = useMemo(
    () => ({ ref: setActivatorNodeRef, props: { ...attributes, ...listeners } }),
    [setActivatorNodeRef, attributes, listeners],
  );
  const [numberError, setNumberError] = useState<string | null>(null);
  return (
    <HandleContext.Provider value={handle}>
      <RowErrorContext.Provider value={setNumberError}>
        <Box
          ref={(node: HTMLDivElement | null) => {
            setNodeRef(node);
            measure(node);
          }}
          data-index={index}
          role="row"
          aria-rowindex={index + 2}
          aria-selected={selected.has(channel.id)}
          data-testid={`lineup-row-${channel.id}`}
          onClick={(e: MouseEvent) => {
            if (!fromControl(e)) onOpen();
          }}
          px="xs"
          py={6}
          style={{
            position: 'absolute',
            // `top`, not a transform: dnd-kit measures rows without their transform.
            top: start,
            left: 0,
            width: '100%',
            transform: transform ? `translateY(${transform.y}px)` : undefined,
            transition,
            zIndex: isDragging ? 2 : 0,
            display: 'grid',
            gridTemplateColumns,
            alignItems: 'center',
            gap: 8,
            cursor: 'pointer',
            background:
              isDragging || selected.has(channel.id)
                ? 'var(--mantine-color-default-hover)'
                : 'var(--mantine-color-body)',
            borderBottom: '1px solid var(--mantine-color-default-border)',
            opacity: isDragging ? 0.85 : 1,
          }}
        >
          {row.getVisibleCells().map((cell) => (
            <Box key={cell.id} role="cell" miw={0}>
              {flexRender(cell.column.columnDef.cell, cell.getContext())}
            </Box>
          ))}
          {numberError && (
            <Box style={{ gridColumn: '1 / -1' }}>
              <NumberError id={channel.id} message={numberError} />
            </Box>
          )}
        </Box>
      </RowErrorContext.Provider>
    </HandleContext.Provider>
  );
}

function SelectCell({ channel }: { channel: Channel }) {
  const { selected, toggleSelected } = useContext(RowContext);
  return (
    <Checkbox
      aria-label={`Select ${channel.displayName}`}
      checked={selected.has(channel.id)}
      onChange={() => toggleSelected(channel.id)}
      data-testid={`select-${channel.id}`}
    />
  );
}

function DragHandle({ channel }: { channel: Channel }) {
  const handle = useContext(HandleContext);
  const { dragDisabled } = useContext(RowContext);
  return (
    <ActionIcon
      ref={handle?.ref}
      {...handle?.props}
      variant="subtle"
      color="gray"
      aria-label={`Move ${channel.displayName}`}
      disabled={dragDisabled}
      style={{ cursor: 'grab', touchAction: 'none' }}
      data-testid={`drag-handle-${channel.id}`}
    >
      <IconGripVertical size={18} aria-hidden />
    </ActionIcon>
  );
}

function EnabledSwitch({ channel }: { channel: Channel }) {
  const patch = usePatchChannel();
  return (
    <Switch
      aria-label={`Enabled: ${channel.displayName}`}
      checked={patch.isPending && patch.variables ? patch.variables.patch.enabled === true : channel.enabled}
      disabled={patch.isPending}
      onChange={(e) =>
        patch.mutate(
          { id: channel.id, patch: { enabled: e.currentTarget.checked } },
          {
            onError: (error) =>
              notifications.show({
                color: 'red',
                title: `${channel.displayName} not changed`,
                message: errorMessage(error),
              }),
          },
        )
      }
      data-testid={`enable-toggle-${channel.id}`}
    />
  );
}

/** The number, which turns into an input on click; a taken number shows the API's message here. */
export function NumberCell({
  channel,
  size = 'sm',
}: {
  channel: Pick<Channel, 'id' | 'number' | 'displayName'>;
  size?: 'sm' | 'xl';
}) {
  const patch = usePatchChannel();
  const [editing, setEditing] = useState(false);
  const [value, setValue] = useState<string | number>(channel.number ?? '');
  const [error, setError] = useState<string | null>(null);
  const start = () => {
    setValue(channel.number ?? '');
    setEditing(true);
  };
  const cancel = () => {
    setEditing(false);
    showError(null);
  };
  const rowError = useContext(RowErrorContext);
  const showError = (message: string | null) => {
    setError(message);
    rowError?.(message);
  };
  const save = () => {
    if (patch.isPending) return;
    const check = checkChannelNumber(value);
    if (!check.ok) return showError(check.error);
    if (check.value === channel.number) return cancel();
    patch.mutate(
      { id: channel.id, patch: { number: check.value } },
      { onSuccess: () => cancel(), onError: (e) => showError(errorMessage(e)) },
    );
  };
  if (!editing)
    return (
      <UnstyledButton
        onClick={start}
        aria-label={`Channel number ${channel.number ?? 'none'} of ${channel.displayName}: change`}
        data-testid={`number-${channel.id}`}
      >
        <Text fw={size === 'xl' ? 700 : 600} size={size} td="underline dotted">
          {channel.number ?? '–'}
        </Text>
      </UnstyledButton>
    );
  return (
    <Box data-no-row-click onClick={(e) => e.stopPropagation()}>
      <NumberInput
        size={size === 'xl' ? 'sm' : 'xs'}
        autoFocus
        label={`Number of ${channel.displayName}`}
        styles={{ label: { position: 'absolute', width: 1, height: 1, overflow: 'hidden', clip: 'rect(0 0 0 0)' } }}
        value={value}
        onChange={(v) => {
          setValue(v);
          if (error) showError(null);
        }}
        min={1}
        max={999_999}
        allowDecimal={false}
        allowNegative={false}
        hideControls
        error={!!error}
        disabled={patch.isPending}
        onKeyDown={(e) => {
          if (e.key === 'Enter') save();
          if (e.key === 'Escape') cancel();
        }}
        onBlur={() => {
          if (!error) save();
        }}
        data-testid={`number-input-${channel.id}`}
      />
      {error && !rowError && <NumberError id={channel.id} message={error} />}
    </Box>
  );
}

/** Where a row's number cell puts its error: under the whole row (the number column is narrow). */
const RowErrorContext = createContext<((message: string | null) => void) | null>(null);

function NumberError({ id, message }: { id: number; message: string }) {
  return (
    <Text size="xs" c="red" role="alert" data-testid={`number-error-${id}`}>
      {message}
    </Text>
  );
}
