import { Button, Group, PasswordInput, Stack } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, ApiError } from '../../api/client';
import type { ChangePassword, LoginResult } from '../../api/types';
import { ErrorNote } from '../../components/QueryState';
import { newPassword } from '../../lib/forms';

/**
 * Sets the admin password: with the current one when a password is set, or the first one
 * (`first`, from this machine only) with the new one alone.
 */
export function PasswordChange({ first = false, onDone }: { first?: boolean; onDone?: () => void }) {
  const queryClient = useQueryClient();
  const [current, setCurrent] = useState('');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [errors, setErrors] = useState<{ current?: string; password?: string; confirm?: string }>({});
  const change = useMutation({
    mutationFn: (body: ChangePassword) => api.post<LoginResult>('/api/auth/password', body),
    onSuccess: () => {
      setCurrent('');
      setPassword('');
      setConfirm('');
      void queryClient.invalidateQueries({ queryKey: ['session'] });
      notifications.show({ color: 'green', message: first ? 'Admin password set' : 'Admin password changed' });
      onDone?.();
    },
    onError: (error) => {
      if (error instanceof ApiError && (error.status === 401 || error.status === 403) && !first)
        setErrors({ current: error.message });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const rules = newPassword(password, confirm);
    const found = {
      current: !first && !current ? 'Enter the current password' : undefined,
      password: rules.password ?? undefined,
      confirm: rules.confirm ?? undefined,
    };
    setErrors(found);
    if (found.current || found.password || found.confirm) return;
    change.mutate(first ? { newPassword: password } : { currentPassword: current, newPassword: password });
  };
  const currentError = errors.current;
  const prefix = first ? 'first-password' : 'password-change';
  return (
    <form onSubmit={submit} noValidate data-testid={prefix}>
      <Stack gap="sm">
        {!first && (
          <PasswordInput
            label="Current password"
            value={current}
            onChange={(e) => setCurrent(e.currentTarget.value)}
            error={currentError}
            autoComplete="current-password"
            data-testid={`${prefix}-current`}
          />
        )}
        <PasswordInput
          label="New password"
          value={password}
          onChange={(e) => setPassword(e.currentTarget.value)}
          error={errors.password}
          autoComplete="new-password"
          data-testid={`${prefix}-new`}
        />
        <PasswordInput
          label="Confirm new password"
          value={confirm}
          onChange={(e) => setConfirm(e.currentTarget.value)}
          error={errors.confirm}
          autoComplete="new-password"
          data-testid={`${prefix}-confirm`}
        />
        {!(change.error instanceof ApiError && currentError) && <ErrorNote error={change.error} />}
        <Group justify="flex-end">
          <Button type="submit" loading={change.isPending} data-testid={`${prefix}-submit`}>
            {first ? 'Set password' : 'Change password'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
