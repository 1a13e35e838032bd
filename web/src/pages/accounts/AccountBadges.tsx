import { Badge, Group, Text } from '@mantine/core';
import type { Account } from '../../api/types';
import { expiryState } from '../../lib/forms';

const statusColors: Record<string, string> = { active: 'green', unchecked: 'gray', error: 'red' };

/** The provider's account status (as the last test saw it). */
export function StatusBadge({ account }: { account: Account }) {
  const color = statusColors[account.status.toLowerCase()] ?? 'orange';
  return (
    <Badge color={color} variant="light" data-testid={`account-status-${account.id}`}>
      {account.status}
    </Badge>
  );
}

/** The expiry date; a warning within 7 days, red once expired. */
export function ExpiryBadge({ account, now = Date.now() }: { account: Account; now?: number }) {
  const state = expiryState(account.expiresAt, now);
  if (state === 'none')
    return (
      <Text size="sm" c="dimmed" data-testid={`account-expiry-${account.id}`}>
        unknown
      </Text>
    );
  const date = new Date(account.expiresAt!).toLocaleDateString();
  if (state === 'ok')
    return (
      <Text size="sm" data-testid={`account-expiry-${account.id}`}>
        {date}
      </Text>
    );
  return (
    <Badge
      color={state === 'expired' ? 'red' : 'yellow'}
      variant="light"
      data-testid={`account-expiry-${account.id}`}
      data-state={state}
    >
      {state === 'expired' ? `expired ${date}` : `expires ${date}`}
    </Badge>
  );
}

/** What a connection test found: status, expiry, limit and connections in use at the provider. */
export function AccountCheck({ account }: { account: Account }) {
  return (
    <Group gap="md" data-testid={`account-check-${account.id}`} wrap="wrap">
      <Group gap={4}>
        <Text size="sm" c="dimmed">
          Status
        </Text>
        <StatusBadge account={account} />
      </Group>
      <Group gap={4}>
        <Text size="sm" c="dimmed">
          Expires
        </Text>
        <ExpiryBadge account={account} />
      </Group>
      <Text size="sm">
        <Text span c="dimmed">
          Connections{' '}
        </Text>
        {account.activeConnections ?? '?'} / {account.maxConnections}
      </Text>
    </Group>
  );
}
