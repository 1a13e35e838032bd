import { Anchor, Button, Group, SimpleGrid, Paper, Stack, Text } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import { api } from '../../api/client';
import type { ChannelPage, MatchingSummary, Updated } from '../../api/types';
import { ErrorNote } from '../../components/QueryState';
import { useChannelCount } from './useSetupState';

function Count({ label, value, testId }: { label: string; value: number | undefined; testId: string }) {
  return (
    <Paper withBorder p="sm">
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text fw={700} size="xl" data-testid={testId}>
        {value ?? '…'}
      </Text>
    </Paper>
  );
}

/** (f) What matching found: matched and unmatched lineup channels; a run on demand. */
export function MatchingStep() {
  const queryClient = useQueryClient();
  const matched = useChannelCount({ matched: true });
  const unmatched = useChannelCount({ status: 'unmatched' });
  const lost = useChannelCount({ status: 'lost' });
  const run = useMutation({
    mutationFn: () => api.post<MatchingSummary>('/api/matching/run', {}),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: ['channels'] }),
  });
  return (
    <Stack>
      <Text size="sm" c="dimmed">
        Each guide channel is matched to the provider channels that play it. Matching runs after every scan and import;
        run it again here if you like.
      </Text>
      <SimpleGrid cols={{ base: 1, xs: 3 }}>
        <Count label="Matched" value={matched.data} testId="setup-matched-count" />
        <Count label="Unmatched" value={unmatched.data} testId="setup-unmatched-count" />
        <Count label="Lost their streams" value={lost.data} testId="setup-lost-count" />
      </SimpleGrid>
      <ErrorNote error={matched.error ?? unmatched.error} />
      <Group>
        <Button variant="default" loading={run.isPending} onClick={() => run.mutate()} data-testid="setup-run-matching">
          Run matching now
        </Button>
        <Anchor component={Link} to="/lineup" data-testid="setup-lineup-link">
          Review the matches in the lineup
        </Anchor>
      </Group>
      <ErrorNote error={run.error} />
      {run.data && (
        <Text size="sm" data-testid="setup-matching-result">
          Matching run: {run.data.matched} matched, {run.data.unmatched} unmatched, {run.data.changed} changed.
        </Text>
      )}
    </Stack>
  );
}

const pageSize = 10_000;

/** Every matched channel not enabled yet, paged through the API. */
async function matchedDisabledIds(): Promise<number[]> {
  const ids: number[] = [];
  for (let offset = 0; ; offset += pageSize) {
    const page = await api.get<ChannelPage>('/api/channels', {
      matched: true,
      enabled: false,
      limit: pageSize,
      offset,
    });
    ids.push(...page.items.map((c) => c.id));
    if (page.items.length < pageSize || offset + pageSize >= page.total) return ids;
  }
}

/** (g) Enable the matched channels in one go. */
export function EnableStep() {
  const queryClient = useQueryClient();
  const matched = useChannelCount({ matched: true });
  const enabled = useChannelCount({ enabled: true });
  const enable = useMutation({
    mutationFn: async () => {
      const ids = await matchedDisabledIds();
      if (ids.length === 0) return { updated: 0 };
      return api.post<Updated>('/api/channels/bulk', { ids, enabled: true });
    },
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: ['channels'] });
      void queryClient.invalidateQueries({ queryKey: ['plex'] });
    },
  });
  return (
    <Stack>
      <Text>
        <Text span fw={700} data-testid="setup-enabled-count">
          {enabled.data ?? '…'}
        </Text>{' '}
        channels are enabled (of {matched.data ?? '…'} matched). Plex sees the enabled ones.
      </Text>
      <Group>
        <Button
          loading={enable.isPending}
          onClick={() => enable.mutate()}
          disabled={matched.data === 0}
          data-testid="setup-enable-all"
        >
          Enable all matched channels
        </Button>
        <Anchor component={Link} to="/lineup">
          Choose channels one by one in the lineup
        </Anchor>
      </Group>
      <ErrorNote error={enable.error} />
      {enable.data && (
        <Text size="sm" data-testid="setup-enable-result">
          {enable.data.updated === 0
            ? 'Every matched channel was already enabled.'
            : `${enable.data.updated} channels enabled.`}
        </Text>
      )}
    </Stack>
  );
}
