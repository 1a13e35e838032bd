import {
  Badge,
  Button,
  FileInput,
  Group,
  Paper,
  Progress,
  SegmentedControl,
  Select,
  Stack,
  Text,
  TextInput,
} from '@mantine/core';
import { IconDownload } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api } from '../../api/client';
import { useProgress } from '../../api/live';
import type { XmltvSource as UploadedXmltvSource } from '../../api/types';
import type { GuideRefreshResult, XmltvSource } from '../../api/types';
import { ErrorNote } from '../../components/QueryState';
import { httpUrl, requiredText } from '../../lib/forms';
import { progressPercent } from '../../lib/setup';
import { useAccountList, useGuideSources } from './useSetupState';

type Kind = 'provider' | 'url' | 'file';

/** The content type the upload endpoint wants for a guide file. */
function contentTypeOf(file: File): string {
  return /\.gz$/i.test(file.name) || file.type === 'application/gzip' ? 'application/gzip' : 'application/xml';
}

/** (d) A guide source: the provider's own guide, a URL, or an uploaded file. */
export function GuideStep() {
  const queryClient = useQueryClient();
  const accounts = useAccountList();
  const guides = useGuideSources();
  const [kind, setKind] = useState<Kind>('provider');
  const [name, setName] = useState('');
  const [url, setUrl] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [accountId, setAccountId] = useState<string | null>(null);
  const [errors, setErrors] = useState<{ name?: string; url?: string; file?: string; account?: string }>({});
  const accountOptions = (accounts.data ?? []).map((a) => ({ value: String(a.id), label: a.name }));
  const chosenAccount = accountId ?? accountOptions[0]?.value ?? null;

  const create = useMutation({
    mutationFn: async (): Promise<XmltvSource> => {
      if (kind === 'file') {
        const f = file!;
        return api.post<UploadedXmltvSource>(
          `/api/xmltv-sources/upload?${new URLSearchParams({ name: name.trim() || f.name })}`,
          f,
          { headers: { accept: 'application/json', 'content-type': contentTypeOf(f) } },
        );
      }
      if (kind === 'url') return api.post<XmltvSource>('/api/xmltv-sources', { name: name.trim(), url: url.trim() });
      const account = accounts.data?.find((a) => String(a.id) === chosenAccount);
      return api.post<XmltvSource>('/api/xmltv-sources', {
        name: name.trim() || `${account?.name ?? 'Provider'} guide`,
        accountId: Number(chosenAccount),
      });
    },
    onSuccess: () => {
      setName('');
      setUrl('');
      setFile(null);
      void queryClient.invalidateQueries({ queryKey: ['guides'] });
    },
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found: typeof errors = {};
    if (kind === 'url') {
      found.name = requiredText(name, 'Name') ?? undefined;
      found.url = httpUrl(url, 'Guide URL') ?? undefined;
    }
    if (kind === 'file' && !file) found.file = 'Choose an XMLTV file (.xml or .xml.gz)';
    if (kind === 'provider' && !chosenAccount) found.account = 'Add an account first';
    setErrors(found);
    if (!Object.values(found).some(Boolean)) create.mutate();
  };

  return (
    <Stack>
      {(guides.data ?? []).length > 0 && (
        <Stack gap="xs" data-testid="setup-guide-list">
          {guides.data!.map((g) => (
            <Group key={g.id} gap="xs">
              <Text fw={500}>{g.name}</Text>
              <Text size="sm" c="dimmed" style={{ wordBreak: 'break-all' }}>
                {g.accountId !== null ? "provider's guide" : g.url}
              </Text>
            </Group>
          ))}
        </Stack>
      )}
      <form onSubmit={submit} noValidate data-testid="setup-guide-form">
        <Stack gap="sm" maw={520}>
          <SegmentedControl
            value={kind}
            onChange={(v) => setKind(v)}
            aria-label="Guide source"
            data={[
              { value: 'provider', label: "Provider's guide" },
              { value: 'url', label: 'URL' },
              { value: 'file', label: 'Upload file' },
            ]}
            data-testid="setup-guide-kind"
          />
          {kind === 'provider' && (
            <Select
              label="Account"
              description="Its own XMLTV guide (xmltv.php)"
              data={accountOptions}
              value={chosenAccount}
              onChange={setAccountId}
              error={errors.account}
              allowDeselect={false}
              data-testid="setup-guide-account"
            />
          )}
          {kind === 'url' && (
            <TextInput
              label="Guide URL"
              placeholder="https://example.com/guide.xml.gz"
              value={url}
              onChange={(e) => setUrl(e.currentTarget.value)}
              error={errors.url}
              data-testid="setup-guide-url"
            />
          )}
          {kind === 'file' && (
            <FileInput
              label="XMLTV file"
              placeholder="guide.xml or guide.xml.gz"
              accept=".xml,.gz,application/xml,text/xml,application/gzip"
              value={file}
              onChange={setFile}
              error={errors.file}
              clearable
              data-testid="setup-guide-file"
            />
          )}
          <TextInput
            label="Name"
            description={kind === 'url' ? undefined : 'Optional'}
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            error={errors.name}
            data-testid="setup-guide-name"
          />
          <ErrorNote error={create.error} />
          <Group>
            <Button type="submit" loading={create.isPending} data-testid="setup-guide-add">
              Add guide
            </Button>
          </Group>
        </Stack>
      </form>
    </Stack>
  );
}

/** One guide's import: the button, its live progress, the result. */
function ImportSource({ source }: { source: XmltvSource }) {
  const queryClient = useQueryClient();
  const progress = useProgress('import', source.id);
  const run = useMutation({
    mutationFn: () => api.post<GuideRefreshResult>(`/api/xmltv-sources/${source.id}/refresh`, {}),
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: ['guides'] });
      void queryClient.invalidateQueries({ queryKey: ['channels'] });
    },
  });
  const running = run.isPending || source.refresh !== null || (progress !== undefined && !progress.finished);
  const percent = progressPercent(progress);
  return (
    <Paper withBorder p="sm" data-testid={`setup-import-${source.id}`}>
      <Stack gap="xs">
        <Group justify="space-between" wrap="wrap">
          <Group gap="xs">
            <Text fw={500}>{source.name}</Text>
            {source.lastRefreshAt ? (
              <Badge color="green" variant="light">
                imported
              </Badge>
            ) : (
              <Badge color="gray" variant="light">
                not imported
              </Badge>
            )}
          </Group>
          <Button
            size="xs"
            leftSection={<IconDownload size={16} aria-hidden />}
            loading={running}
            onClick={() => run.mutate()}
            data-testid={`setup-import-button-${source.id}`}
          >
            Import
          </Button>
        </Group>
        {running && (
          <Stack gap={2}>
            <Progress value={percent ?? 100} animated striped={percent === undefined} aria-label="Import progress" />
            <Text size="xs" c="dimmed">
              {progress?.phase ?? 'Importing'}
              {source.refresh ? ` — ${source.refresh.programmes} programmes so far` : ''}
            </Text>
          </Stack>
        )}
        <ErrorNote error={run.error} />
        {!running && source.lastError && !run.data && <ErrorNote error={new Error(source.lastError)} />}
        {run.data ? (
          <Text size="sm" data-testid={`setup-import-result-${source.id}`}>
            Imported {run.data.channels} channels and {run.data.programmes} programmes in{' '}
            {(run.data.durationMs / 1000).toFixed(1)} s.
          </Text>
        ) : (
          source.lastRefreshAt && (
            <Text size="sm" c="dimmed">
              {source.channels} channels, {source.programmes} programmes (last import{' '}
              {new Date(source.lastRefreshAt).toLocaleString()}).
            </Text>
          )
        )}
      </Stack>
    </Paper>
  );
}

/** (e) Import the guides. */
export function ImportStep() {
  const guides = useGuideSources();
  const list = guides.data ?? [];
  if (list.length === 0) return <Text>Add a guide first.</Text>;
  return (
    <Stack>
      {list.map((source) => (
        <ImportSource key={source.id} source={source} />
      ))}
    </Stack>
  );
}
