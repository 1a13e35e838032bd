import { Button, Group, Modal, Stack, Switch, Table, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { IconPencil, IconPlugConnected, IconPlus, IconTrash } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { api, errorMessage } from '../../api/client';
import type { Account, EventPage, SessionPage } from '../../api/types';
import { ErrorNote, QueryState } from '../../components/QueryState';
import { lastScans } from '../../lib/setup';
import { AccountForm } from './AccountForm';
import { ExpiryBadge, StatusBadge } from './AccountBadges';
import { ScanControl } from './ScanControl';

export function useAccounts() {
  return useQuery({ queryKey: ['accounts'], queryFn: () => api.get<Account[]>('/api/accounts') });
}

/** Upstream connections in use now per account: one per channel hub playing from it. */
function slotsInUse(sessions: SessionPage | undefined): Map<number, number> {
  const result = new Map<number, number>();
  for (const hub of sessions?.hubs ?? []) {
    if (!hub.candidate || hub.state === 'closed') continue;
    result.set(hub.candidate.accountId, (result.get(hub.candidate.accountId) ?? 0) + 1);
  }
  return result;
}

/** `/accounts`: the Xtream accounts, their state at the provider, and what can be done with each. */
export function AccountsPage() {
  const accounts = useAccounts();
  const sessions = useQuery({ queryKey: ['sessions'], queryFn: () => api.get<SessionPage>('/api/sessions') });
  const scanEvents = useQuery({
    queryKey: ['events', 'scans'],
    queryFn: () => api.get<EventPage>('/api/events', { category: 'scan', limit: 200 }),
  });
  const scans = useMemo(() => lastScans(scanEvents.data?.items ?? []), [scanEvents.data]);
  const slots = useMemo(() => slotsInUse(sessions.data), [sessions.data]);
  const [adding, { open: openAdd, close: closeAdd }] = useDisclosure();
  const [editing, setEditing] = useState<Account | null>(null);
  const [deleting, setDeleting] = useState<Account | null>(null);

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>Accounts</Title>
        <Button leftSection={<IconPlus size={16} aria-hidden />} onClick={openAdd} data-testid="add-account">
          Add account
        </Button>
      </Group>
      <QueryState loading={accounts.isPending} error={accounts.error}>
        {accounts.data?.length === 0 ? (
          <Text c="dimmed" data-testid="accounts-empty">
            No account yet. Add your Xtream Codes subscription to get channels.
          </Text>
        ) : (
          <Table.ScrollContainer minWidth={900}>
            <Table aria-label="Xtream accounts" verticalSpacing="sm" striped>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Name</Table.Th>
                  <Table.Th>Server</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th>Expires</Table.Th>
                  <Table.Th>Connections</Table.Th>
                  <Table.Th>Last scan</Table.Th>
                  <Table.Th>Active</Table.Th>
                  <Table.Th>Actions</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {accounts.data?.map((account) => (
                  <AccountRow
                    key={account.id}
                    account={account}
                    inUse={slots.get(account.id) ?? 0}
                    lastScan={scans.get(account.id)}
                    onEdit={() => setEditing(account)}
                    onDelete={() => setDeleting(account)}
                  />
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </QueryState>

      <Modal opened={adding} onClose={closeAdd} title="Add account">
        <AccountForm
          onSaved={(account) => {
            closeAdd();
            notifications.show({ color: 'green', message: `Account "${account.name}" added. Test it, then scan.` });
          }}
          onCancel={closeAdd}
        />
      </Modal>
      <Modal opened={editing !== null} onClose={() => setEditing(null)} title={`Edit ${editing?.name ?? ''}`}>
        {editing && (
          <AccountForm account={editing} onSaved={() => setEditing(null)} onCancel={() => setEditing(null)} />
        )}
      </Modal>
      <DeleteAccount account={deleting} onClose={() => setDeleting(null)} />
    </Stack>
  );
}

function AccountRow({
  account,
  inUse,
  lastScan,
  onEdit,
  onDelete,
}: {
  account: Account;
  inUse: number;
  lastScan: string | undefined;
  onEdit: () => void;
  onDelete: () => void;
}) {
  const queryClient = useQueryClient();
  const test = useMutation({
    mutationFn: () => api.post<Account>(`/api/accounts/${account.id}/test`, {}),
    onSuccess: (checked) =>
      notifications.show({ color: 'green', message: `Account "${checked.name}" checked: ${checked.status}` }),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: ['accounts'] }),
  });
  const toggle = useMutation({
    mutationFn: (isActive: boolean) => api.patch<Account>(`/api/accounts/${account.id}`, { isActive }),
    onError: (error) => notifications.show({ color: 'red', title: account.name, message: errorMessage(error) }),
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: ['accounts'] });
      void queryClient.invalidateQueries({ queryKey: ['plex'] });
    },
  });
  return (
    <Table.Tr data-testid={`account-row-${account.id}`}>
      <Table.Td>
        <Text fw={500}>{account.name}</Text>
        <Text size="xs" c="dimmed">
          {account.username}
        </Text>
      </Table.Td>
      <Table.Td>
        <Text size="sm" style={{ wordBreak: 'break-all' }}>
          {account.serverUrl}
        </Text>
      </Table.Td>
      <Table.Td style={{ whiteSpace: 'nowrap' }}>
        <StatusBadge account={account} />
        {account.lastCheckedAt && (
          <Text size="xs" c="dimmed">
            checked {new Date(account.lastCheckedAt).toLocaleString()}
          </Text>
        )}
      </Table.Td>
      <Table.Td style={{ whiteSpace: 'nowrap' }}>
        <ExpiryBadge account={account} />
      </Table.Td>
      <Table.Td data-testid={`account-connections-${account.id}`}>
        <Text size="sm">
          {inUse} in use / {account.maxConnections}
        </Text>
        {account.activeConnections !== null && (
          <Text size="xs" c="dimmed">
            provider reported {account.activeConnections}
          </Text>
        )}
      </Table.Td>
      <Table.Td>
        <Text size="sm" data-testid={`account-last-scan-${account.id}`}>
          {lastScan ? new Date(lastScan).toLocaleString() : 'never'}
        </Text>
      </Table.Td>
      <Table.Td>
        <Switch
          checked={account.isActive}
          onChange={(e) => toggle.mutate(e.currentTarget.checked)}
          disabled={toggle.isPending}
          label={account.isActive ? 'Active' : 'Inactive'}
          aria-label={`${account.isActive ? 'Deactivate' : 'Activate'} ${account.name}`}
          data-testid={`account-active-${account.id}`}
        />
      </Table.Td>
      <Table.Td>
        <Stack gap="xs">
          <Group gap="xs" wrap="nowrap">
            <Button
              size="xs"
              variant="default"
              leftSection={<IconPlugConnected size={16} aria-hidden />}
              loading={test.isPending}
              onClick={() => test.mutate()}
              data-testid={`account-test-${account.id}`}
            >
              Test
            </Button>
            <Button
              size="xs"
              variant="default"
              leftSection={<IconPencil size={16} aria-hidden />}
              onClick={onEdit}
              data-testid={`account-edit-${account.id}`}
            >
              Edit
            </Button>
            <Button
              size="xs"
              variant="light"
              color="red"
              leftSection={<IconTrash size={16} aria-hidden />}
              onClick={onDelete}
              data-testid={`account-delete-${account.id}`}
            >
              Delete
            </Button>
          </Group>
          <ScanControl accountId={account.id} compact />
          <ErrorNote error={test.error} />
        </Stack>
      </Table.Td>
    </Table.Tr>
  );
}

function DeleteAccount({ account, onClose }: { account: Account | null; onClose: () => void }) {
  const queryClient = useQueryClient();
  const remove = useMutation({
    mutationFn: (id: number) => api.delete<void>(`/api/accounts/${id}`),
    onSuccess: () => {
      onClose();
      void queryClient.invalidateQueries({ queryKey: ['accounts'] });
      void queryClient.invalidateQueries({ queryKey: ['channels'] });
      void queryClient.invalidateQueries({ queryKey: ['provider-channels'] });
      void queryClient.invalidateQueries({ queryKey: ['plex'] });
    },
  });
  return (
    <Modal
      opened={account !== null}
      onClose={() => {
        remove.reset();
        onClose();
      }}
      title="Delete account"
    >
      <Stack>
        <Text>
          Delete the account <b>{account?.name}</b>? Its provider channels go with it; lineup channels that played only
          from it lose their streams.
        </Text>
        <ErrorNote error={remove.error} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button
            color="red"
            loading={remove.isPending}
            onClick={() => account && remove.mutate(account.id)}
            data-testid="confirm-delete-account"
          >
            Delete {account?.name}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
