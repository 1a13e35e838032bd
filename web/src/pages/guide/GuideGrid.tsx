import { Avatar, Box, Button, Group, Loader, Popover, Select, Stack, Text, UnstyledButton } from '@mantine/core';
import { useInterval, useMediaQuery } from '@mantine/hooks';
import { IconChevronLeft, IconChevronRight, IconClock } from '@tabler/icons-react';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef, useState } from 'react';
import { api } from '../../api/client';
import type { GuideChannel, GuidePage } from '../../api/types';
import { ErrorNote } from '../../components/QueryState';
import {
  dayOptions,
  dayWindow,
  gridWidth,
  nowWindow,
  placeProgramme,
  shiftWindow,
  ticks,
  timeLabel,
  windowDay,
  xOf,
  type GridWindow,
} from '../../lib/epg-grid';

type Programme = GuideChannel['programmes'][number];

const pxPerMinute = 4;
const spanMinutes = 6 * 60;
const stepMinutes = 3 * 60;
const pageSize = 50;
const rowHeight = 56;
const headerHeight = 32;
// How far the day picker reaches (the API serves what the guide holds, up to its EPG days).
const daysBack = 1;
const daysAhead = 13;

/** The Grid tab: enabled channels down the left, time across, a block per programme, a "now" line. */
export function GuideGrid() {
  const [now, setNow] = useState(() => Date.now());
  useInterval(() => setNow(Date.now()), 30_000, { autoInvoke: true });
  const [view, setView] = useState<GridWindow>(() => nowWindow(Date.now(), spanMinutes, pxPerMinute));
  const narrow = useMediaQuery('(max-width: 36em)');
  const channelWidth = narrow ? 110 : 200;

  const from = new Date(view.from).toISOString();
  const to = new Date(view.to).toISOString();
  const guide = useInfiniteQuery({
    queryKey: ['guides', 'grid', from, to],
    initialPageParam: 0,
    queryFn: ({ pageParam }) => api.get<GuidePage>('/api/guide', { from, to, offset: pageParam, limit: pageSize }),
    getNextPageParam: (last, all) => {
      const loaded = all.reduce((n, p) => n + p.channels.length, 0);
      return loaded < last.total && last.channels.length > 0 ? loaded : undefined;
    },
  });
  const channels = useMemo(() => guide.data?.pages.flatMap((p) => p.channels) ?? [], [guide.data]);
  const total = guide.data?.pages[0]?.total ?? 0;

  const scrollRef = useRef<HTMLDivElement>(null);
  const rows = useVirtualizer({
    count: guide.hasNextPage ? channels.length + 1 : channels.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    overscan: 8,
  });
  const items = rows.getVirtualItems();
  const lastIndex = items.at(-1)?.index ?? -1;
  useEffect(() => {
    if (lastIndex >= channels.length - 5 && guide.hasNextPage && !guide.isFetchingNextPage) void guide.fetchNextPage();
  }, [lastIndex, channels.length, guide]);
  // A new view starts at its left edge.
  useEffect(() => {
    if (scrollRef.current) scrollRef.current.scrollLeft = 0;
  }, [view.from]);

  const width = gridWidth(view);
  const axis = ticks(view, 30);
  const nowX = now >= view.from && now < view.to ? xOf(view, now) : null;
  const days = useMemo(() => dayOptions(now, daysBack, daysAhead), [now]);
  const day = String(windowDay(view));

  return (
    <Stack>
      <Group wrap="wrap" gap="xs" align="flex-end">
        <Button
          variant="default"
          leftSection={<IconChevronLeft size={18} aria-hidden />}
          onClick={() => setView((w) => shiftWindow(w, -stepMinutes))}
          data-testid="guide-earlier"
        >
          Earlier
        </Button>
        <Button
          variant="default"
          leftSection={<IconClock size={18} aria-hidden />}
          onClick={() => setView(nowWindow(Date.now(), spanMinutes, pxPerMinute))}
          data-testid="guide-now"
        >
          Now
        </Button>
        <Button
          variant="default"
          rightSection={<IconChevronRight size={18} aria-hidden />}
          onClick={() => setView((w) => shiftWindow(w, stepMinutes))}
          data-testid="guide-later"
        >
          Later
        </Button>
        <Select
          label="Day"
          data={
            days.some((d) => d.value === day)
              ? days
              : [...days, { value: day, label: new Date(Number(day)).toDateString() }]
          }
          value={day}
          onChange={(value) => value && setView(dayWindow(Number(value), Date.now(), spanMinutes, pxPerMinute))}
          allowDeselect={false}
          w={{ base: '100%', xs: 220 }}
          data-testid="guide-day"
        />
        <Text size="sm" c="dimmed" aria-live="polite" data-testid="guide-range">
          {timeLabel(view.from)} – {timeLabel(view.to)}
          {total > 0 ? ` · ${total} channels` : ''}
        </Text>
      </Group>
      <ErrorNote error={guide.error} />
      {guide.isPending ? (
        <Loader aria-label="Loading the guide" />
      ) : total === 0 && !guide.error ? (
        <Text c="dimmed" data-testid="guide-empty">
          No enabled channels with guide data in this time range. Add a guide source (Sources tab) and enable channels
          in the lineup.
        </Text>
      ) : (
        <Box
          ref={scrollRef}
          role="grid"
          aria-label="Programme guide"
          aria-rowcount={total + 1}
          data-testid="guide-grid"
          style={{
            overflow: 'auto',
            height: 'max(360px, calc(100dvh - 260px))',
            border: '1px solid var(--mantine-color-default-border)',
            borderRadius: 'var(--mantine-radius-md)',
            position: 'relative',
          }}
        >
          <div
            style={{ width: channelWidth + width, height: headerHeight + rows.getTotalSize(), position: 'relative' }}
          >
            {/* Time axis, sticky on top; its corner sticky on the left too. */}
            <div
              role="row"
              style={{
                position: 'sticky',
                top: 0,
                zIndex: 3,
                height: headerHeight,
                display: 'flex',
                background: 'var(--mantine-color-body)',
                borderBottom: '1px solid var(--mantine-color-default-border)',
              }}
            >
              <div
                role="columnheader"
                style={{
                  position: 'sticky',
                  left: 0,
                  zIndex: 4,
                  width: channelWidth,
                  flexShrink: 0,
                  background: 'var(--mantine-color-body)',
                  borderRight: '1px solid var(--mantine-color-default-border)',
                }}
              >
                <Text size="xs" c="dimmed" p={6}>
                  Channel
                </Text>
              </div>
              <div role="columnheader" style={{ position: 'relative', width, flexShrink: 0 }} data-testid="guide-axis">
                {axis.map((tick) => (
                  <Text
                    key={tick.at}
                    size="xs"
                    c="dimmed"
                    style={{
                      position: 'absolute',
                      left: tick.x,
                      top: 0,
                      height: headerHeight,
                      paddingLeft: 4,
                      lineHeight: `${headerHeight}px`,
                      borderLeft: '1px solid var(--mantine-color-default-border)',
                      whiteSpace: 'nowrap',
                    }}
                  >
                    {tick.label}
                  </Text>
                ))}
              </div>
            </div>
            {items.map((item) => {
              const channel = channels[item.index];
              return (
                <div
                  key={item.key}
                  role="row"
                  aria-rowindex={item.index + 2}
                  data-testid={channel ? `guide-row-${channel.id}` : 'guide-loading-row'}
                  style={{
                    position: 'absolute',
                    top: headerHeight + item.start,
                    left: 0,
                    height: rowHeight,
                    width: channelWidth + width,
                    display: 'flex',
                    borderBottom: '1px solid var(--mantine-color-default-border)',
                  }}
                >
                  {channel ? (
                    <>
                      <ChannelCell channel={channel} width={channelWidth} />
                      <div role="gridcell" style={{ position: 'relative', width, flexShrink: 0 }}>
                        {channel.programmes.map((p) => (
                          <ProgrammeBlock
                            key={`${p.start}-${p.title}`}
                            channel={channel}
                            programme={p}
                            view={view}
                            now={now}
                          />
                        ))}
                      </div>
                    </>
                  ) : (
                    <div role="gridcell" style={{ position: 'sticky', left: 0, padding: 8 }}>
                      <Loader size="sm" aria-label="Loading more channels" />
                    </div>
                  )}
                </div>
              );
            })}
            {nowX !== null && (
              <div
                aria-hidden
                data-testid="guide-now-line"
                style={{
                  position: 'absolute',
                  top: 0,
                  bottom: 0,
                  left: channelWidth + nowX,
                  width: 2,
                  // Under the sticky channel column and time axis.
                  zIndex: 1,
                  background: 'var(--mantine-color-red-filled)',
                  pointerEvents: 'none',
                }}
              />
            )}
          </div>
        </Box>
      )}
    </Stack>
  );
}

function ChannelCell({ channel, width }: { channel: GuideChannel; width: number }) {
  return (
    <div
      role="rowheader"
      style={{
        position: 'sticky',
        left: 0,
        zIndex: 2,
        width,
        flexShrink: 0,
        display: 'flex',
        alignItems: 'center',
        gap: 6,
        padding: '0 6px',
        background: 'var(--mantine-color-body)',
        borderRight: '1px solid var(--mantine-color-default-border)',
        overflow: 'hidden',
      }}
    >
      <Text size="xs" c="dimmed" w={32} ta="right" style={{ flexShrink: 0 }}>
        {channel.number ?? '–'}
      </Text>
      <Avatar src={channel.icon} alt="" size="sm" radius="sm" style={{ flexShrink: 0 }} visibleFrom="xs">
        {channel.displayName.slice(0, 2)}
      </Avatar>
      <Text size="sm" lineClamp={2} style={{ minWidth: 0 }}>
        {channel.displayName}
      </Text>
    </div>
  );
}

function ProgrammeBlock({
  channel,
  programme,
  view,
  now,
}: {
  channel: GuideChannel;
  programme: Programme;
  view: GridWindow;
  now: number;
}) {
  const start = Date.parse(programme.start);
  const stop = Date.parse(programme.stop);
  const block = placeProgramme(view, start, stop);
  if (!block) return null;
  const airing = start <= now && now < stop;
  const times = `${timeLabel(start)} – ${timeLabel(stop)}`;
  return (
    <Popover width={300} position="bottom-start" withArrow shadow="md">
      <Popover.Target>
        <UnstyledButton
          aria-label={`${channel.displayName}: ${programme.title}, ${times}`}
          data-testid={`guide-programme-${channel.id}-${start}`}
          style={{
            position: 'absolute',
            left: block.left + 1,
            width: Math.max(block.width - 2, 2),
            top: 3,
            bottom: 3,
            padding: '2px 6px',
            overflow: 'hidden',
            borderRadius: 'var(--mantine-radius-sm)',
            border: '1px solid var(--mantine-color-default-border)',
            background: airing ? 'var(--mantine-primary-color-light)' : 'var(--mantine-color-default)',
            borderTopLeftRadius: block.clippedStart ? 0 : undefined,
            borderBottomLeftRadius: block.clippedStart ? 0 : undefined,
            borderTopRightRadius: block.clippedEnd ? 0 : undefined,
            borderBottomRightRadius: block.clippedEnd ? 0 : undefined,
          }}
        >
          <Text size="xs" fw={600} truncate>
            {block.clippedStart ? '‹ ' : ''}
            {programme.title}
          </Text>
          <Text size="xs" c="dimmed" truncate>
            {times}
          </Text>
        </UnstyledButton>
      </Popover.Target>
      <Popover.Dropdown data-testid="guide-details">
        <Stack gap={4}>
          <Text fw={700}>{programme.title}</Text>
          {programme.subtitle && <Text size="sm">{programme.subtitle}</Text>}
          <Text size="xs" c="dimmed">
            {channel.displayName} · {new Date(start).toLocaleDateString()} {times}
            {programme.category ? ` · ${programme.category}` : ''}
          </Text>
          {programme.description && (
            <Text size="sm" style={{ maxHeight: 200, overflowY: 'auto' }}>
              {programme.description}
            </Text>
          )}
        </Stack>
      </Popover.Dropdown>
    </Popover>
  );
}
