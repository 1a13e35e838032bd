import { Alert, Center, Loader } from '@mantine/core';
import { IconAlertCircle } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { errorMessage } from '../api/client';

/** Loading spinner, a readable error, or the content: what every page shows while its query runs. */
export function QueryState({ loading, error, children }: { loading: boolean; error: unknown; children: ReactNode }) {
  if (error) return <ErrorNote error={error} />;
  if (loading)
    return (
      <Center p="xl">
        <Loader aria-label="Loading" />
      </Center>
    );
  return <>{children}</>;
}

/** An API error as a sentence next to what caused it. */
export function ErrorNote({ error, title }: { error: unknown; title?: string }) {
  if (!error) return null;
  return (
    <Alert color="red" icon={<IconAlertCircle aria-hidden />} title={title} role="alert">
      {errorMessage(error)}
    </Alert>
  );
}
