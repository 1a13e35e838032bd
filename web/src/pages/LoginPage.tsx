import { Button, Center, Code, Paper, PasswordInput, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../api/client';
import type { AuthSession, LoginResult } from '../api/types';
import { ErrorNote } from '../components/QueryState';

/** The admin login (a password is set and this browser has no session). */
export function LoginPage() {
  const queryClient = useQueryClient();
  const [password, setPassword] = useState('');
  const login = useMutation({
    mutationFn: () => api.post<LoginResult>('/api/auth/login', { password }),
    onSuccess: () => queryClient.invalidateQueries(),
  });
  return (
    <Center mih="100vh" p="md">
      <Paper withBorder p="xl" w={380} component="form" onSubmit={(e) => (e.preventDefault(), login.mutate())}>
        <Stack>
          <Title order={2}>Tunerbridge</Title>
          <Text c="dimmed">Sign in with the admin password.</Text>
          <PasswordInput
            label="Admin password"
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
            autoFocus
            autoComplete="current-password"
            required
          />
          <ErrorNote error={login.error} />
          <Button type="submit" loading={login.isPending}>
            Sign in
          </Button>
        </Stack>
      </Paper>
    </Center>
  );
}

/** No password yet and this browser is not on the server's machine: the API answers only there. */
export function NoPasswordPage({ session }: { session: AuthSession }) {
  return (
    <Center mih="100vh" p="md">
      <Paper withBorder p="xl" maw={520}>
        <Stack>
          <Title order={2}>Set an admin password first</Title>
          <Text>
            Until an admin password is set, Tunerbridge lets only its own machine change its set-up. Open this page on
            that machine (http://localhost:5004/), or set a password there in a terminal:
          </Text>
          <Code block>tunerbridge set-password</Code>
          <Text c="dimmed" size="sm">
            Then reload this page and sign in. {session.passwordSet ? '' : '(No password is set yet.)'}
          </Text>
        </Stack>
      </Paper>
    </Center>
  );
}
