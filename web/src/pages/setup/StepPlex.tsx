import { ActionIcon, Alert, Badge, Code, CopyButton, Group, List, Stack, Table, Text, Tooltip } from '@mantine/core';
import { IconAlertTriangle, IconCheck, IconCopy } from '@tabler/icons-react';
import { ErrorNote, QueryState } from '../../components/QueryState';
import { usePlex } from './useSetupState';

function CopyRow({ label, value, testId }: { label: string; value: string; testId: string }) {
  return (
    <Table.Tr>
      <Table.Th scope="row">{label}</Table.Th>
      <Table.Td>
        <Group gap="xs" wrap="nowrap">
          <Code style={{ wordBreak: 'break-all' }} data-testid={testId}>
            {value}
          </Code>
          <CopyButton value={value}>
            {({ copied, copy }) => (
              <Tooltip label={copied ? 'Copied' : 'Copy'}>
                <ActionIcon
                  variant="subtle"
                  onClick={copy}
                  aria-label={`Copy the ${label}`}
                  data-testid={`${testId}-copy`}
                >
                  {copied ? <IconCheck size={16} /> : <IconCopy size={16} />}
                </ActionIcon>
              </Tooltip>
            )}
          </CopyButton>
        </Group>
      </Table.Td>
    </Table.Tr>
  );
}

function Fetched({
  what,
  at,
  testId,
}: {
  what: string;
  at: { at: string; clientAddress: string } | null | undefined;
  testId: string;
}) {
  return (
    <Group gap="xs" data-testid={testId} data-fetched={at ? 'yes' : 'no'}>
      {at ? (
        <Badge color="green" variant="light" leftSection={<IconCheck size={12} aria-hidden />}>
          fetched
        </Badge>
      ) : (
        <Badge color="gray" variant="light">
          waiting
        </Badge>
      )}
      <Text size="sm">
        Plex has {at ? '' : 'not yet '}fetched <Code>{what}</Code>
        {at ? ` (${at.clientAddress}, ${new Date(at.at).toLocaleTimeString()})` : ''}
      </Text>
    </Group>
  );
}

/** (h) The addresses to give Plex, what to fix first, and whether Plex has come by. */
export function PlexStep() {
  const plex = usePlex(true);
  const p = plex.data;
  return (
    <QueryState loading={plex.isPending} error={p ? null : plex.error}>
      {p && (
        <Stack>
          {p.warnings.map((w) => (
            <Alert
              key={w.code}
              color="yellow"
              icon={<IconAlertTriangle aria-hidden />}
              data-testid={`plex-warning-${w.code}`}
            >
              {w.message}
            </Alert>
          ))}
          <Table.ScrollContainer minWidth={320}>
            <Table aria-label="Addresses for Plex" variant="vertical" withTableBorder>
              <Table.Tbody>
                <CopyRow label="Tuner address" value={p.tunerUrl} testId="plex-tuner-url" />
                <CopyRow label="Guide (XMLTV) URL" value={p.epgUrl} testId="plex-epg-url" />
                <CopyRow label="Playlist (M3U) URL" value={p.m3uUrl} testId="plex-m3u-url" />
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          <Text size="sm">
            {p.enabledChannels} channels enabled, {p.tunerCount} tuners advertised.
          </Text>
          <List type="ordered" spacing="xs">
            <List.Item>In Plex, open Settings → Live TV &amp; DVR → Set up Plex DVR.</List.Item>
            <List.Item>
              If Tunerbridge is not found by itself, choose “enter its network address manually” and enter the tuner
              address above.
            </List.Item>
            <List.Item>When Plex asks for a guide, choose “use XMLTV guide” and paste the guide URL above.</List.Item>
            <List.Item>Check the channel list Plex shows and finish.</List.Item>
          </List>
          <Stack gap="xs" aria-live="polite">
            <Fetched what="/discover.json" at={p.lastFetched?.discover} testId="plex-fetched-discover" />
            <Fetched what="/lineup.json" at={p.lastFetched?.lineup} testId="plex-fetched-lineup" />
          </Stack>
          <ErrorNote error={plex.error} />
        </Stack>
      )}
    </QueryState>
  );
}
