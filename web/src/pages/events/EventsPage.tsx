import {
  Badge,
  Button,
  Code,
  Collapse,
  Group,
  Pagination,
  Paper,
  SegmentedControl,
  Select,
  Stack,
  Switch,
  Text,
  Title,
  UnstyledButton,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconChecks, IconChevronDown, IconChevronRight } from '@tabler/icons-react';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, errorMessage, type Query } from '../../api/client';
import type { AppEvent, EventPage as EventPageBody, Updated } from '../../api/types';
import { QueryState } from '../../components/QueryState';
import {
  eventCategories,
  eventLevels,
  eventsQuery,
  levelColor,
  pageCount,
  prettyDetails,
  type EventFilters,
} from '../../lib/events';

const pageSize = 50;

/** `/events`: the event log, newest first, filtered and paged; expanding an unread event marks it read. */
export function EventsPage() {
  const queryClient = useQueryClient();
  const [filters, setFilters] = useState<EventFilters>({ level: 'all', category: 'all', unreadOnly: false });
  const [page, setPage] = useState(1);
  const [expanded, setExpanded] = useState<Set<number>>(new Set());
  const query = eventsQuery(filters, page, pageSize);
  const events = useQuery({
    queryKey: ['events', 'list', query],
    queryFn: () => api.get<EventPageBody>('/api/events', query as Query),
    placeholderData: keepPreviousData,
  });
  const markRead = useMutation({
    mutationFn: (ids?: number[]) => api.post<Updated>('/api/events/read', ids ? { ids } : {}),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['events'] }),
    onError: (error) =>
      notifications.show({ color: 'red', title: 'Could not mark read', message: errorMessage(error) }),
  });

  const change = (next: Partial<EventFilters>) => {
    setFilters((f) => ({ ...f, ...next }));
    setPage(1);
  };
  const toggle = (event: AppEvent) => {
    setExpanded((s) => {
      const next = new Set(s);
      if (next.has(event.id)) next.delete(event.id);
      else next.add(event.id);
      return next;
    });
    if (!event.isRead && !expanded.has(event.id)) markRead.mutate([event.id]);
  };

  const total = events.data?.total ?? 0;
  return (
    <Stack>
      <Group justify="space-between" wrap="wrap">
        <Title order={2}>Events</Title>
        <Button
          leftSection={<IconChecks size={18} aria-hidden />}
          variant="light"
          onClick={() => markRead.mutate(undefined)}
          loading={markRead.isPending && markRead.variables === undefined}
          data-testid="events-mark-all-read"
        >
          Mark all read
        </Button>
      </Group>
      <Group wrap="wrap" align="flex-end">
        <Stack gap={4}>
          <Text size="sm" fw={500} id="events-level-label">
            Level
          </Text>
          <SegmentedControl
            aria-labelledby="events-level-label"
            data-testid="events-level-filter"
            value={filters.level}
            onChange={(level) => change({ level })}
            data={[{ value: 'all', label: 'All' }, ...eventLevels.map((l) => ({ value: l, label: l }))]}
          />
        </Stack>
        <Select
          label="Category"
          data-testid="events-category-filter"
          value={filters.category}
          onChange={(category) => change({ category: category ?? 'all' })}
          data={[{ value: 'all', label: 'All categories' }, ...eventCategories.map((c) => ({ value: c, label: c }))]}
          allowDeselect={false}
          w={{ base: '100%', xs: 200 }}
        />
        <Switch
          label="Unread only"
          checked={filters.unreadOnly}
          onChange={(e) => change({ unreadOnly: e.currentTarget.checked })}
          data-testid="events-unread-filter"
          mb={8}
        />
      </Group>
      <QueryState loading={events.isPending} error={events.error}>
        <Text size="sm" c="dimmed" aria-live="polite">
          {total === 0 ? 'No events match.' : `${total} event${total === 1 ? '' : 's'}`}
        </Text>
        <Stack gap="xs" role="list" aria-label="Events, newest first" data-testid="events-list">
          {events.data?.items.map((event) => (
            <EventRow key={event.id} event={event} open={expanded.has(event.id)} onToggle={() => toggle(event)} />
          ))}
        </Stack>
        {total > pageSize && (
          <Pagination
            total={pageCount(total, pageSize)}
            value={page}
            onChange={setPage}
            aria-label="Event pages"
            data-testid="events-pagination"
          />
        )}
      </QueryState>
    </Stack>
  );
}

function EventRow({ event, open, onToggle }: { event: AppEvent; open: boolean; onToggle: () => void }) {
  const details = prettyDetails(event.details);
  const Chevron = open ? IconChevronDown : IconChevronRight;
  return (
    <Paper
      withBorder
      p="xs"
      role="listitem"
      data-testid={`event-row-${event.id}`}
      data-unread={event.isRead ? undefined : 'true'}
      bg={event.isRead ? undefined : 'var(--mantine-primary-color-light)'}
    >
      <UnstyledButton
        onClick={onToggle}
        aria-expanded={open}
        aria-controls={`event-details-${event.id}`}
        w="100%"
        data-testid={`event-toggle-${event.id}`}
      >
        <Group gap="xs" wrap="nowrap" align="flex-start">
          <Chevron size={16} aria-hidden style={{ flexShrink: 0, marginTop: 3 }} />
          <Stack gap={2} style={{ flex: 1, minWidth: 0 }}>
            <Group gap="xs" wrap="wrap">
              <Badge color={levelColor(event.level)} variant="light" size="sm">
                {event.level}
              </Badge>
              <Badge color="gray" variant="outline" size="sm">
                {event.category}
              </Badge>
              {!event.isRead && (
                <Badge color="red" variant="dot" size="sm">
                  unread
                </Badge>
              )}
              <Text size="xs" c="dimmed" component="time" dateTime={event.createdAt}>
                {new Date(event.createdAt).toLocaleString()}
              </Text>
            </Group>
            <Text size="sm" fw={event.isRead ? 400 : 600} style={{ overflowWrap: 'anywhere' }}>
              {event.message}
            </Text>
          </Stack>
        </Group>
      </UnstyledButton>
      <Collapse expanded={open} id={`event-details-${event.id}`}>
        {details ? (
          <Code block mt="xs" data-testid={`event-details-${event.id}`} style={{ overflowX: 'auto' }}>
            {details}
          </Code>
        ) : (
          <Text size="sm" c="dimmed" mt="xs">
            No details.
          </Text>
        )}
      </Collapse>
    </Paper>
  );
}
