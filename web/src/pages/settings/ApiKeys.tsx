import {
  ActionIcon,
  Alert,
  Button,
  Code,
  CopyButton,
  Group,
  Modal,
  Stack,
  Table,
  Text,
  TextInput,
  Tooltip,
  VisuallyHidden,
} from '@mantine/core';
import { IconCheck, IconCopy, IconKey, IconTrash } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api } from '../../api/client';
import type { ApiKey, NewApiKey } from '../../api/types';
import { ErrorNote, QueryState } from '../../components/QueryState';
import { requiredText } from '../../lib/forms';

/** API keys for scripts: list, create (the key is shown once), revoke. */
export function ApiKeys() {
  const queryClient = useQueryClient();
  const keys = useQuery({ queryKey: ['settings', 'api-keys'], queryFn: () => api.get<ApiKey[]>('/api/auth/keys') });
  const [name, setName] = useState('');
  const [nameError, setNameError] = useState<string | null>(null);
  const [created, setCreated] = useState<NewApiKey | null>(null);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);
  const create = useMutation({
    mutationFn: (keyName: string) => api.post<NewApiKey>('/api/auth/keys', { name: keyName }),
    onSuccess: (key) => {
      setCreated(key);
      setName('');
      void queryClient.invalidateQueries({ queryKey: ['settings', 'api-keys'] });
    },
  });
  const revoke = useMutation({
    mutationFn: (id: number) => api.delete<void>(`/api/auth/keys/${id}`),
    onSuccess: () => {
      setRevoking(null);
      void queryClient.invalidateQueries({ queryKey: ['settings', 'api-keys'] });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const error = requiredText(name, 'Key name', 64);
    setNameError(error);
    if (!error) create.mutate(name.trim());
  };
  return (
    <Stack gap="sm">
      <form onSubmit={submit} noValidate>
        <Group align="flex-start" wrap="wrap">
          <TextInput
            label="New key name"
            placeholder="e.g. backup script"
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            error={nameError}
            style={{ flex: 1, minWidth: 180 }}
            data-testid="api-key-name"
          />
          <Button
            type="submit"
            mt={25}
            leftSection={<IconKey size={16} aria-hidden />}
            loading={create.isPending}
            data-testid="api-key-create"
          >
            Create key
          </Button>
        </Group>
      </form>
      <ErrorNote error={create.error} />
      {created && (
        <Alert color="green" title={`Key "${created.name}" created`} data-testid="api-key-new">
          <Stack gap="xs">
            <Text size="sm">
              Copy it now: it is shown this once. Send it as the header Authorization: Bearer &lt;key&gt;.
            </Text>
            <Group gap="xs" wrap="nowrap">
              <Code style={{ wordBreak: 'break-all' }} data-testid="api-key-value">
                {created.key}
              </Code>
              <CopyButton value={created.key}>
                {({ copied, copy }) => (
                  <Tooltip label={copied ? 'Copied' : 'Copy'}>
                    <ActionIcon
                      variant="subtle"
                      onClick={copy}
                      aria-label="Copy the new API key"
                      data-testid="api-key-copy"
                    >
                      {copied ? <IconCheck size={16} /> : <IconCopy size={16} />}
                    </ActionIcon>
                  </Tooltip>
                )}
              </CopyButton>
            </Group>
            <Group>
              <Button size="xs" variant="default" onClick={() => setCreated(null)}>
                Done
              </Button>
            </Group>
          </Stack>
        </Alert>
      )}
      <QueryState loading={keys.isPending} error={keys.error}>
        {keys.data?.length === 0 ? (
          <Text size="sm" c="dimmed">
            No API keys.
          </Text>
        ) : (
          <Table.ScrollContainer minWidth={420}>
            <Table aria-label="API keys">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Name</Table.Th>
                  <Table.Th>Created</Table.Th>
                  <Table.Th>Last used</Table.Th>
                  <Table.Th>
                    <VisuallyHidden>Revoke</VisuallyHidden>
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {keys.data?.map((key) => (
                  <Table.Tr key={key.id} data-testid={`api-key-row-${key.id}`}>
                    <Table.Td>{key.name}</Table.Td>
                    <Table.Td>{new Date(key.createdAt).toLocaleString()}</Table.Td>
                    <Table.Td>{key.lastUsedAt ? new Date(key.lastUsedAt).toLocaleString() : 'never'}</Table.Td>
                    <Table.Td>
                      <ActionIcon
                        variant="subtle"
                        color="red"
                        onClick={() => setRevoking(key)}
                        aria-label={`Revoke key ${key.name}`}
                        data-testid={`api-key-revoke-${key.id}`}
                      >
                        <IconTrash size={16} />
                      </ActionIcon>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </QueryState>
      <Modal opened={revoking !== null} onClose={() => setRevoking(null)} title="Revoke API key">
        <Stack>
          <Text>
            Revoke the key <b>{revoking?.name}</b>? Scripts using it stop working at once.
          </Text>
          <ErrorNote error={revoke.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setRevoking(null)}>
              Cancel
            </Button>
            <Button
              color="red"
              loading={revoke.isPending}
              onClick={() => revoking && revoke.mutate(revoking.id)}
              data-testid="confirm-revoke-key"
            >
              Revoke
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}
