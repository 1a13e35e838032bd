import { Button, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { IconLogout } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { api } from '../../api/client';
import { ErrorNote } from '../../components/QueryState';
import { ApiKeys } from './ApiKeys';
import { PasswordChange } from './PasswordChange';
import { TunerSettings } from './TunerSettings';

function Section({ title, id, children }: { title: string; id: string; children: ReactNode }) {
  return (
    <Paper withBorder p="md" component="section" aria-labelledby={id} data-testid={`settings-section-${id}`}>
      <Stack gap="sm">
        <Title order={3} id={id}>
          {title}
        </Title>
        {children}
      </Stack>
    </Paper>
  );
}

/** `/settings`: the tuner settings, the admin password, API keys, log out (and, later, backup). */
export function SettingsPage() {
  const queryClient = useQueryClient();
  const logout = useMutation({
    mutationFn: () => api.post<void>('/api/auth/logout', {}),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['session'] }),
  });
  return (
    <Stack maw={720}>
      <Group justify="space-between">
        <Title order={2}>Settings</Title>
        <Button
          variant="default"
          leftSection={<IconLogout size={16} aria-hidden />}
          loading={logout.isPending}
          onClick={() => logout.mutate()}
          data-testid="logout"
        >
          Log out
        </Button>
      </Group>
      <ErrorNote error={logout.error} />
      <Section title="Tuner" id="tuner">
        <TunerSettings />
      </Section>
      <Section title="Admin password" id="password">
        <PasswordChange />
      </Section>
      <Section title="API keys" id="api-keys">
        <ApiKeys />
      </Section>
      {/* BACKUP: intentionally empty; a later issue fills this section (export/import of the set-up). */}
      <Section title="Backup" id="backup">
        <Text size="sm" c="dimmed" data-testid="backup-placeholder">
          Backup and restore are coming in a later version.
        </Text>
      </Section>
    </Stack>
  );
}
