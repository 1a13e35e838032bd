import { Button, Group, Progress, Stack, Text } from '@mantine/core';
import { IconRefresh } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client';
import { useProgress } from '../../api/live';
import type { ScanResult } from '../../api/types';
import { ErrorNote } from '../../components/QueryState';
import { progressPercent } from '../../lib/setup';

/** Scans one account: the button, its live progress and the result counts (or the error). */
export function ScanControl({
  accountId,
  onScanned,
  compact = false,
}: {
  accountId: number;
  onScanned?: (result: ScanResult) => void;
  compact?: boolean;
}) {
  const queryClient = useQueryClient();
  const progress = useProgress('scan', accountId);
  const scan = useMutation({
    mutationFn: () => api.post<ScanResult>(`/api/accounts/${accountId}/scan`, {}),
    onSuccess: (result) => {
      onScanned?.(result);
    },
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: ['accounts'] });
      void queryClient.invalidateQueries({ queryKey: ['provider-channels'] });
      void queryClient.invalidateQueries({ queryKey: ['channels'] });
      void queryClient.invalidateQueries({ queryKey: ['events'] });
    },
  });
  const percent = progressPercent(progress);
  const running = scan.isPending || (progress !== undefined && !progress.finished);
  return (
    <Stack gap="xs">
      <Group>
        <Button
          size={compact ? 'xs' : 'sm'}
          variant={compact ? 'default' : 'filled'}
          leftSection={<IconRefresh size={16} aria-hidden />}
          loading={running}
          onClick={() => scan.mutate()}
          data-testid={`scan-button-${accountId}`}
        >
          Scan
        </Button>
      </Group>
      {running && (
        <Stack gap={2} data-testid={`scan-progress-${accountId}`}>
          <Progress value={percent ?? 100} animated striped={percent === undefined} aria-label="Scan progress" />
          <Text size="xs" c="dimmed">
            {progress?.phase ?? 'Scanning'}
            {percent !== undefined
              ? ` · ${Math.round(percent)}%`
              : progress?.done !== undefined && progress.total !== undefined
                ? ` (${progress.done}/${progress.total})`
                : ''}
          </Text>
        </Stack>
      )}
      <ErrorNote error={scan.error} />
      {scan.data && !running && (
        <Text size="sm" data-testid={`scan-result-${accountId}`}>
          {scan.data.channels} channels from {scan.data.streams} streams: {scan.data.addedChannelIds.length} new,{' '}
          {scan.data.renamedChannelIds.length} renamed, {scan.data.removedChannels.length} removed.
        </Text>
      )}
    </Stack>
  );
}
