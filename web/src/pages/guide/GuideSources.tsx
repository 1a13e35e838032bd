import {
  Alert,
  Badge,
  Box,
  Button,
  Card,
  FileInput,
  Group,
  Modal,
  Progress,
  SegmentedControl,
  Select,
  Stack,
  Switch,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconAlertTriangle, IconPencil, IconPlus, IconRefresh, IconTrash } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { api, errorMessage, withQuery } from '../../api/client';
import { useProgress } from '../../api/live';
import type {
  Account,
  GuideRefreshResult,
  RefreshSchedule,
  XmltvSource,
  XmltvSourceCreate,
  XmltvSourcePatch,
} from '../../api/types';
import { ErrorNote, QueryState } from '../../components/QueryState';
import { formatDuration } from '../../lib/format';
import {
  formatTimeShift,
  isRefreshTime,
  nameFromFile,
  progressValue,
  sourceFormErrors,
  timeShiftError,
  timeShiftMinutes,
  uploadContentType,
  type SourceForm,
  type SourceKind,
} from '../../lib/guide-sources';

const sourcesKey = ['guides', 'sources'] as const;

/** The Sources tab: every guide source with its last import, refresh now, edit, delete, add, and the daily schedule. */
export function GuideSources() {
  const sources = useQuery({ queryKey: sourcesKey, queryFn: () => api.get<XmltvSource[]>('/api/xmltv-sources') });
  const [editing, setEditing] = useState<XmltvSource | 'new' | null>(null);
  const [deleting, setDeleting] = useState<XmltvSource | null>(null);
  return (
    <Stack>
      <Group justify="space-between" wrap="wrap">
        <Title order={3}>Guide sources</Title>
        <Button
          leftSection={<IconPlus size={18} aria-hidden />}
          onClick={() => setEditing('new')}
          data-testid="source-add"
        >
          Add source
        </Button>
      </Group>
      <QueryState loading={sources.isPending} error={sources.error}>
        {sources.data?.length === 0 && (
          <Text c="dimmed" data-testid="sources-empty">
            No guide sources yet. Add your provider’s guide (an account) or any XMLTV address or file.
          </Text>
        )}
        <Stack gap="sm" data-testid="sources-list">
          {sources.data?.map((source) => (
            <SourceCard
              key={source.id}
              source={source}
              onEdit={() => setEditing(source)}
              onDelete={() => setDeleting(source)}
            />
          ))}
        </Stack>
      </QueryState>
      <ScheduleForm />
      <SourceDialog editing={editing} onClose={() => setEditing(null)} />
      <DeleteDialog source={deleting} onClose={() => setDeleting(null)} />
    </Stack>
  );
}

function SourceCard({ source, onEdit, onDelete }: { source: XmltvSource; onEdit: () => void; onDelete: () => void }) {
  const queryClient = useQueryClient();
  const progress = useProgress('import', source.id);
  const refresh = useMutation({
    mutationFn: () => api.post<GuideRefreshResult>(`/api/xmltv-sources/${source.id}/refresh`),
    onSuccess: (result) =>
      notifications.show({
        color: 'green',
        title: `${source.name} refreshed`,
        message: `${result.channels} channels, ${result.programmes} programmes in ${formatDuration(result.durationMs)}`,
      }),
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: ['guides'] });
      void queryClient.invalidateQueries({ queryKey: ['channels'] });
    },
  });
  const running = refresh.isPending || source.refresh !== null || (progress !== undefined && !progress.finished);
  const value = progressValue(progress && !progress.finished ? progress : undefined);
  return (
    <Card
      withBorder
      data-testid={`source-row-${source.id}`}
      component="section"
      aria-label={`Guide source ${source.name}`}
    >
      <Group justify="space-between" wrap="wrap" align="flex-start" gap="xs">
        <Stack gap={2} style={{ minWidth: 0, flex: 1 }}>
          <Group gap="xs">
            <Text fw={700}>{source.name}</Text>
            {!source.enabled && (
              <Badge color="gray" variant="light">
                disabled
              </Badge>
            )}
            {source.accountId !== null && <Badge variant="outline">account guide</Badge>}
            {source.timeShiftMinutes !== 0 && (
              <Badge variant="light" data-testid={`source-shift-${source.id}`}>
                shifted {formatTimeShift(source.timeShiftMinutes)}
              </Badge>
            )}
          </Group>
          <Text size="sm" c="dimmed" style={{ overflowWrap: 'anywhere' }} data-testid={`source-url-${source.id}`}>
            {source.url}
          </Text>
          <Text size="sm" data-testid={`source-stats-${source.id}`}>
            {source.channels} channels · {source.programmes} programmes ·{' '}
            {source.lastRefreshAt
              ? `refreshed ${new Date(source.lastRefreshAt).toLocaleString()}${
                  source.lastDurationMs !== null ? ` (${formatDuration(source.lastDurationMs)})` : ''
                }`
              : 'never refreshed'}
          </Text>
        </Stack>
        <Group gap="xs">
          <Button
            variant="light"
            leftSection={<IconRefresh size={18} aria-hidden />}
            loading={refresh.isPending}
            disabled={running && !refresh.isPending}
            onClick={() => refresh.mutate()}
            data-testid={`source-refresh-${source.id}`}
          >
            Refresh now
          </Button>
          <Button
            variant="default"
            leftSection={<IconPencil size={18} aria-hidden />}
            onClick={onEdit}
            data-testid={`source-edit-${source.id}`}
          >
            Edit
          </Button>
          <Button
            variant="light"
            color="red"
            leftSection={<IconTrash size={18} aria-hidden />}
            onClick={onDelete}
            data-testid={`source-delete-${source.id}`}
          >
            Delete
          </Button>
        </Group>
      </Group>
      {running && (
        <Stack gap={2} mt="sm" data-testid={`source-progress-${source.id}`}>
          <Text size="xs" c="dimmed">
            {progress && !progress.finished ? progress.phase : 'Importing'}
            {source.refresh ? ` · ${source.refresh.programmes} programmes so far` : ''}
          </Text>
          <Progress
            value={value ?? 100}
            striped={value === null}
            animated={value === null}
            aria-label={`Refresh of ${source.name}`}
          />
        </Stack>
      )}
      {refresh.error && (
        <Box mt="sm">
          <ErrorNote error={refresh.error} title="Refresh failed" />
        </Box>
      )}
      {source.lastError && !refresh.error && (
        <Alert
          mt="sm"
          color="orange"
          icon={<IconAlertTriangle aria-hidden />}
          title="Last refresh failed"
          data-testid={`source-error-${source.id}`}
        >
          {source.lastError}
          {source.lastAttemptAt && (
            <Text size="xs" c="dimmed" mt={4}>
              Tried {new Date(source.lastAttemptAt).toLocaleString()}
            </Text>
          )}
        </Alert>
      )}
    </Card>
  );
}

const emptyForm: SourceForm = { kind: 'url', name: '', url: '', accountId: null, file: null };

function SourceDialog({ editing, onClose }: { editing: XmltvSource | 'new' | null; onClose: () => void }) {
  const queryClient = useQueryClient();
  const isNew = editing === 'new';
  const [form, setForm] = useState<SourceForm>(emptyForm);
  const [file, setFile] = useState<File | null>(null);
  const [enabled, setEnabled] = useState(true);
  const [timeShift, setTimeShift] = useState('');
  const [submitted, setSubmitted] = useState(false);
  const accounts = useQuery({
    queryKey: ['accounts'],
    queryFn: () => api.get<Account[]>('/api/accounts'),
    enabled: editing !== null,
  });
  useEffect(() => {
    setSubmitted(false);
    setFile(null);
    if (editing === null || editing === 'new') {
      setForm(emptyForm);
      setEnabled(true);
      setTimeShift('');
    } else {
      setForm({
        kind: editing.accountId !== null ? 'account' : 'url',
        name: editing.name,
        url: editing.accountId !== null ? '' : editing.url,
        accountId: editing.accountId !== null ? String(editing.accountId) : null,
        file: null,
      });
      setEnabled(editing.enabled);
      setTimeShift(editing.timeShiftMinutes === 0 ? '' : String(editing.timeShiftMinutes));
    }
  }, [editing]);

  const save = useMutation({
    mutationFn: async (): Promise<XmltvSource> => {
      const name = form.name.trim();
      if (form.kind === 'upload' && file) {
        // An upload takes no options: its time shift is set by editing the new source.
        // pending: POST /api/xmltv-sources/upload?name=…
        return api.post<XmltvSource>(withQuery('/api/xmltv-sources/upload', { name }), file, {
          headers: { accept: 'application/json', 'content-type': uploadContentType(file) },
        });
      }
      const target = form.kind === 'account' ? { accountId: Number(form.accountId) } : { url: form.url.trim() };
      const shift = timeShiftMinutes(timeShift);
      if (editing === 'new')
        return api.post<XmltvSource>('/api/xmltv-sources', {
          name,
          enabled,
          timeShiftMinutes: shift,
          ...target,
        } satisfies XmltvSourceCreate);
      const patch: XmltvSourcePatch = { name, enabled, timeShiftMinutes: shift, ...target };
      // A masked URL sent back unchanged would overwrite the real one: only send the URL when edited.
      if (editing && form.kind === 'url' && form.url.trim() === editing.url) delete patch.url;
      return api.patch<XmltvSource>(`/api/xmltv-sources/${editing!.id}`, patch);
    },
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['guides'] });
      onClose();
    },
  });
  useEffect(() => save.reset(), [editing]);

  const errors = submitted ? sourceFormErrors(form) : {};
  const shiftError = form.kind !== 'upload' ? timeShiftError(timeShift) : undefined;
  const submit = () => {
    setSubmitted(true);
    if (Object.keys(sourceFormErrors(form)).length === 0 && !shiftError) save.mutate();
  };
  const kinds: { value: SourceKind; label: string }[] = [
    { value: 'url', label: 'Address' },
    { value: 'account', label: 'Account' },
    ...(isNew ? [{ value: 'upload' as const, label: 'Upload' }] : []),
  ];
  return (
    <Modal
      opened={editing !== null}
      onClose={onClose}
      title={isNew ? 'Add a guide source' : 'Edit guide source'}
      data-testid="source-dialog-edit"
    >
      <form
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <Stack>
          <Stack gap={4}>
            <Text size="sm" fw={500} id="source-kind-label">
              Where the guide comes from
            </Text>
            <SegmentedControl
              aria-labelledby="source-kind-label"
              data={kinds}
              value={form.kind}
              onChange={(kind) => setForm((f) => ({ ...f, kind }))}
              data-testid="source-form-kind"
            />
          </Stack>
          <TextInput
            label="Name"
            value={form.name}
            onChange={(e) => {
              const name = e.currentTarget.value;
              setForm((f) => ({ ...f, name }));
            }}
            error={errors.name}
            data-testid="source-form-name"
          />
          {form.kind === 'url' && (
            <TextInput
              label="Address"
              description="http(s):// or file:// address, or an absolute path on the server"
              value={form.url}
              onChange={(e) => {
                const url = e.currentTarget.value;
                setForm((f) => ({ ...f, url }));
              }}
              error={errors.url}
              data-testid="source-form-url"
            />
          )}
          {form.kind === 'account' && (
            <Select
              label="Account"
              description="Uses the account’s own guide (xmltv.php)"
              data={(accounts.data ?? []).map((a) => ({ value: String(a.id), label: a.name }))}
              value={form.accountId}
              onChange={(accountId) => setForm((f) => ({ ...f, accountId }))}
              error={errors.accountId ?? (accounts.error ? errorMessage(accounts.error) : undefined)}
              nothingFoundMessage="No accounts"
              data-testid="source-form-account"
            />
          )}
          {form.kind === 'upload' && (
            <FileInput
              label="XMLTV file"
              description=".xml or .xml.gz"
              accept=".xml,.gz,application/xml,text/xml,application/gzip"
              value={file}
              onChange={(f) => {
                setFile(f);
                setForm((prev) => ({
                  ...prev,
                  file: f ? { name: f.name, size: f.size } : null,
                  name: prev.name || (f ? nameFromFile(f.name) : ''),
                }));
              }}
              error={errors.file}
              clearable
              data-testid="source-form-file"
            />
          )}
          {form.kind !== 'upload' && (
            <TextInput
              label="Time shift (minutes)"
              description="For a guide whose times are off: added to every programme (e.g. 60 or -30); the guide stays in UTC"
              inputMode="numeric"
              placeholder="0"
              value={timeShift}
              onChange={(e) => setTimeShift(e.currentTarget.value)}
              error={shiftError}
              data-testid="source-form-time-shift"
            />
          )}
          {form.kind !== 'upload' && (
            <Switch
              label="Enabled (imported by the daily refresh)"
              checked={enabled}
              onChange={(e) => setEnabled(e.currentTarget.checked)}
              data-testid="source-form-enabled"
            />
          )}
          <ErrorNote error={save.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={save.isPending} data-testid="source-form-save">
              {isNew ? (form.kind === 'upload' ? 'Upload' : 'Add') : 'Save'}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function DeleteDialog({ source, onClose }: { source: XmltvSource | null; onClose: () => void }) {
  const queryClient = useQueryClient();
  const remove = useMutation({
    mutationFn: (id: number) => api.delete<void>(`/api/xmltv-sources/${id}`),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['guides'] });
      void queryClient.invalidateQueries({ queryKey: ['channels'] });
      onClose();
    },
  });
  useEffect(() => remove.reset(), [source]);
  return (
    <Modal
      opened={source !== null}
      onClose={onClose}
      title="Delete this guide source?"
      data-testid="source-dialog-delete"
    >
      <Stack>
        <Text size="sm">
          <b>{source?.name}</b> and its programmes leave the guide. Channels only it described lose their guide data.
        </Text>
        <ErrorNote error={remove.error} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button
            color="red"
            loading={remove.isPending}
            onClick={() => source && remove.mutate(source.id)}
            data-testid="source-confirm-delete"
          >
            Delete
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

function ScheduleForm() {
  const queryClient = useQueryClient();
  const schedule = useQuery({
    queryKey: ['guides', 'schedule'],
    queryFn: () => api.get<RefreshSchedule>('/api/xmltv-sources/schedule'),
  });
  const [time, setTime] = useState('');
  useEffect(() => {
    if (schedule.data) setTime(schedule.data.refreshTime);
  }, [schedule.data]);
  const save = useMutation({
    mutationFn: (refreshTime: string) => api.put<RefreshSchedule>('/api/xmltv-sources/schedule', { refreshTime }),
    onSuccess: (data) => {
      queryClient.setQueryData(['guides', 'schedule'], data);
      notifications.show({ color: 'green', message: `Guides refresh daily at ${data.refreshTime}` });
    },
  });
  const invalid = time !== '' && !isRefreshTime(time);
  return (
    <Card withBorder component="section" aria-label="Daily refresh">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (isRefreshTime(time)) save.mutate(time.trim());
        }}
      >
        <Stack gap="xs">
          <Title order={4}>Daily refresh</Title>
          <QueryState loading={schedule.isPending} error={schedule.error}>
            <Group align="flex-end" wrap="wrap">
              <TextInput
                type="time"
                label="Refresh every day at (server’s local time)"
                value={time}
                onChange={(e) => setTime(e.currentTarget.value)}
                error={invalid ? 'A time as HH:MM, e.g. 04:30' : save.error ? errorMessage(save.error) : undefined}
                data-testid="schedule-time"
              />
              <Button
                type="submit"
                loading={save.isPending}
                disabled={invalid || time === ''}
                data-testid="schedule-save"
              >
                Save
              </Button>
            </Group>
          </QueryState>
        </Stack>
      </form>
    </Card>
  );
}
