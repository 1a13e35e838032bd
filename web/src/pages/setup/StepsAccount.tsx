import { Anchor, Button, Group, Paper, Stack, Text } from '@mantine/core';
import { IconPlugConnected } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { api } from '../../api/client';
import type { Account } from '../../api/types';
import { ErrorNote } from '../../components/QueryState';
import { AccountCheck } from '../accounts/AccountBadges';
import { AccountForm } from '../accounts/AccountForm';
import { ScanControl } from '../accounts/ScanControl';
import { PasswordChange } from '../settings/PasswordChange';
import { useAccountList, useProviderChannelCount, useSession } from './useSetupState';

/** (a) The admin password: set it here from this machine, or say it is set. */
export function PasswordStep() {
  const session = useSession();
  const s = session.data;
  if (!s) return null;
  if (s.passwordSet)
    return (
      <Text data-testid="setup-password-set">
        An admin password is set. Change it in{' '}
        <Anchor component={Link} to="/settings">
          Settings
        </Anchor>
        .
      </Text>
    );
  if (s.loopback === true || s.via === 'loopback')
    return (
      <Stack gap="sm" maw={480}>
        <Text>
          This browser is on the server's own machine, which may set the first admin password. Other devices will sign
          in with it.
        </Text>
        <PasswordChange first />
      </Stack>
    );
  return (
    <Text>
      No admin password is set yet. Open this page on the server's machine (http://localhost:5004/) to set one, or run{' '}
      <code>tunerbridge set-password</code> there.
    </Text>
  );
}

/** One account's connection test, inline. */
function TestAccount({ account }: { account: Account }) {
  const queryClient = useQueryClient();
  const test = useMutation({
    mutationFn: () => api.post<Account>(`/api/accounts/${account.id}/test`, {}),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: ['accounts'] }),
  });
  return (
    <Paper withBorder p="sm" data-testid={`setup-account-${account.id}`}>
      <Stack gap="xs">
        <Group justify="space-between" wrap="wrap">
          <Text fw={500}>
            {account.name}{' '}
            <Text span size="sm" c="dimmed">
              {account.serverUrl}
            </Text>
          </Text>
          <Button
            size="xs"
            variant="default"
            leftSection={<IconPlugConnected size={16} aria-hidden />}
            loading={test.isPending}
            onClick={() => test.mutate()}
            data-testid={`setup-account-test-${account.id}`}
          >
            Test
          </Button>
        </Group>
        <AccountCheck account={test.data ?? account} />
        <ErrorNote error={test.error} />
      </Stack>
    </Paper>
  );
}

/** (b) The Xtream account: the form (tested right after it is added), or the accounts there are. */
export function AccountStep() {
  const queryClient = useQueryClient();
  const accounts = useAccountList();
  const [adding, setAdding] = useState(false);
  const [testError, setTestError] = useState<unknown>(null);
  const autoTest = useMutation({
    mutationFn: (id: number) => api.post<Account>(`/api/accounts/${id}/test`, {}),
    onError: (error) => setTestError(error),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: ['accounts'] }),
  });
  const list = accounts.data ?? [];
  if (list.length === 0 || adding)
    return (
      <Stack maw={520}>
        <Text size="sm" c="dimmed">
          The server URL, username and password your IPTV provider gave you (the Xtream Codes login).
        </Text>
        <AccountForm
          submitLabel="Add and test"
          onSaved={(account) => {
            setAdding(false);
            setTestError(null);
            autoTest.mutate(account.id);
          }}
          onCancel={list.length > 0 ? () => setAdding(false) : undefined}
        />
      </Stack>
    );
  return (
    <Stack>
      {list.map((account) => (
        <TestAccount key={account.id} account={account} />
      ))}
      {autoTest.isPending && <Text size="sm">Testing the connection…</Text>}
      {testError !== null && <ErrorNote error={testError} title="The connection test failed" />}
      <Group>
        <Button variant="default" onClick={() => setAdding(true)} data-testid="setup-add-another-account">
          Add another account
        </Button>
      </Group>
    </Stack>
  );
}

/** (c) Scan each account for its channels. */
export function ScanStep() {
  const accounts = useAccountList();
  const total = useProviderChannelCount();
  const list = (accounts.data ?? []).filter((a) => a.isActive);
  if (list.length === 0) return <Text>Add an account first.</Text>;
  return (
    <Stack>
      {list.map((account) => (
        <Paper key={account.id} withBorder p="sm">
          <Stack gap="xs">
            <Text fw={500}>{account.name}</Text>
            <ScanControl accountId={account.id} />
          </Stack>
        </Paper>
      ))}
      <Text size="sm" data-testid="setup-provider-channel-count">
        {total.data ?? 0} provider channels known.
      </Text>
    </Stack>
  );
}
