import { Button, Group, NumberInput, PasswordInput, Stack, TextInput } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, ApiError, errorMessage } from '../../api/client';
import type { Account } from '../../api/types';
import { ErrorNote } from '../../components/QueryState';
import {
  accountCreateBody,
  accountPatchBody,
  targetChanged,
  validateAccount,
  type AccountFormErrors,
  type AccountFormValues,
} from '../../lib/forms';

const empty: AccountFormValues = { name: '', serverUrl: '', username: '', password: '', maxConnections: '' };

/** Which field a server 400 is about, so its message shows on that field. */
function fieldOf(message: string): keyof AccountFormValues | undefined {
  if (/password/i.test(message)) return 'password';
  if (/server ?url/i.test(message)) return 'serverUrl';
  if (/username/i.test(message)) return 'username';
  if (/maxConnections|connection/i.test(message)) return 'maxConnections';
  if (/name/i.test(message)) return 'name';
  return undefined;
}

/**
 * Add an Xtream account, or edit one (`account` given): one form for the wizard and the accounts
 * page. An edit that changes the server or username needs the password again.
 */
export function AccountForm({
  account,
  onSaved,
  onCancel,
  submitLabel,
}: {
  account?: Account;
  onSaved: (account: Account) => void;
  onCancel?: () => void;
  submitLabel?: string;
}) {
  const queryClient = useQueryClient();
  const original = account && {
    name: account.name,
    serverUrl: account.serverUrl,
    username: account.username,
    maxConnections: account.maxConnections,
  };
  const [values, setValues] = useState<AccountFormValues>(original ? { ...original, password: '' } : empty);
  const [errors, setErrors] = useState<AccountFormErrors>({});
  const [submitted, setSubmitted] = useState(false);

  const save = useMutation({
    mutationFn: () =>
      original && account
        ? api.patch<Account>(`/api/accounts/${account.id}`, accountPatchBody(values, original))
        : api.post<Account>('/api/accounts', accountCreateBody(values)),
    onSuccess: (saved) => {
      void queryClient.invalidateQueries({ queryKey: ['accounts'] });
      onSaved(saved);
    },
    onError: (error) => {
      const field = error instanceof ApiError && error.status === 400 ? fieldOf(error.message) : undefined;
      if (field) setErrors((e) => ({ ...e, [field]: errorMessage(error) }));
    },
  });

  const update = <K extends keyof AccountFormValues>(key: K, value: AccountFormValues[K]) => {
    const next = { ...values, [key]: value };
    setValues(next);
    if (submitted) setErrors(validateAccount(next, original));
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    const found = validateAccount(values, original);
    setErrors(found);
    if (Object.keys(found).length === 0) save.mutate();
  };

  const fieldError = save.error instanceof ApiError && save.error.status === 400 && fieldOf(save.error.message);
  const passwordNeeded = !original || targetChanged(values, original);
  const prefix = account ? `account-edit` : 'account-form';

  return (
    <form onSubmit={submit} noValidate data-testid={prefix}>
      <Stack gap="sm">
        <TextInput
          label="Name"
          description="Shown in Tunerbridge only"
          value={values.name}
          onChange={(e) => update('name', e.currentTarget.value)}
          error={errors.name}
          required
          data-testid={`${prefix}-name`}
        />
        <TextInput
          label="Server URL"
          placeholder="http://provider.example:8080"
          value={values.serverUrl}
          onChange={(e) => update('serverUrl', e.currentTarget.value)}
          error={errors.serverUrl}
          required
          autoComplete="url"
          data-testid={`${prefix}-server-url`}
        />
        <TextInput
          label="Username"
          value={values.username}
          onChange={(e) => update('username', e.currentTarget.value)}
          error={errors.username}
          required
          autoComplete="off"
          data-testid={`${prefix}-username`}
        />
        <PasswordInput
          label="Password"
          description={
            original
              ? passwordNeeded
                ? 'The server or username changed: enter the password again'
                : 'Leave empty to keep the stored password'
              : undefined
          }
          value={values.password}
          onChange={(e) => update('password', e.currentTarget.value)}
          error={errors.password}
          required={passwordNeeded}
          autoComplete="new-password"
          data-testid={`${prefix}-password`}
        />
        <NumberInput
          label="Connection limit"
          description="Empty: the provider's own limit"
          value={values.maxConnections}
          onChange={(v) => update('maxConnections', v)}
          error={errors.maxConnections}
          min={1}
          max={1000}
          allowDecimal={false}
          data-testid={`${prefix}-max-connections`}
        />
        {!fieldError && <ErrorNote error={save.error} />}
        <Group justify="flex-end">
          {onCancel && (
            <Button variant="default" onClick={onCancel}>
              Cancel
            </Button>
          )}
          <Button type="submit" loading={save.isPending} data-testid={`${prefix}-submit`}>
            {submitLabel ?? (account ? 'Save' : 'Add account')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
