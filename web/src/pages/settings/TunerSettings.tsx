import { Button, Group, NumberInput, Select, Stack, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { api } from '../../api/client';
import type { Settings, SettingsPatch } from '../../api/types';
import { ErrorNote, QueryState } from '../../components/QueryState';
import { msToSeconds, numberInRange, optionalNumber, requiredText, secondsToMs, wholeNumber } from '../../lib/forms';

/** The command-line flag that locks each setting. */
const flags: Record<keyof Settings, string> = {
  tunerName: '--friendly-name',
  tunerCountOverride: '--tuner-count',
  tunerWaitMs: '--tuner-wait-ms',
  epgDays: '--epg-days',
  logLevel: '--log-level',
};

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'];

interface Values {
  tunerName: string;
  tunerCountOverride: number | string;
  tunerWaitSeconds: number | string;
  epgDays: number | string;
  logLevel: string;
}
type Errors = Partial<Record<keyof Values, string>>;

function toValues(s: Settings): Values {
  return {
    tunerName: s.tunerName.value,
    tunerCountOverride: s.tunerCountOverride.value ?? '',
    tunerWaitSeconds: msToSeconds(s.tunerWaitMs.value),
    epgDays: s.epgDays.value,
    logLevel: s.logLevel.value,
  };
}

function validate(v: Values): Errors {
  const errors: Errors = {};
  const set = (key: keyof Values, error: string | null) => {
    if (error) errors[key] = error;
  };
  set('tunerName', requiredText(v.tunerName, 'Tuner name', 64));
  set('tunerCountOverride', wholeNumber(v.tunerCountOverride, 'Tuner count', 1, 255, true));
  set('tunerWaitSeconds', numberInRange(v.tunerWaitSeconds, 'Tuner wait', 0, 60));
  set('epgDays', wholeNumber(v.epgDays, 'EPG days', 1, 14));
  return errors;
}

/** The PATCH body: the unlocked fields whose value changed. */
function patchOf(v: Values, s: Settings): SettingsPatch {
  const patch: SettingsPatch = {};
  const unlocked = (key: keyof Settings) => s[key].source !== 'flag';
  if (unlocked('tunerName') && v.tunerName.trim() !== s.tunerName.value) patch.tunerName = v.tunerName.trim();
  const count = optionalNumber(v.tunerCountOverride);
  if (unlocked('tunerCountOverride') && count !== s.tunerCountOverride.value) patch.tunerCountOverride = count;
  const waitMs = secondsToMs(v.tunerWaitSeconds);
  if (unlocked('tunerWaitMs') && waitMs !== s.tunerWaitMs.value) patch.tunerWaitMs = waitMs;
  if (unlocked('epgDays') && Number(v.epgDays) !== s.epgDays.value) patch.epgDays = Number(v.epgDays);
  if (unlocked('logLevel') && v.logLevel !== s.logLevel.value) patch.logLevel = v.logLevel;
  return patch;
}

/** The server settings form (GET/PATCH /api/settings); a field set by a flag is read-only here. */
export function TunerSettings() {
  const queryClient = useQueryClient();
  const settings = useQuery({ queryKey: ['settings'], queryFn: () => api.get<Settings>('/api/settings') });
  const [values, setValues] = useState<Values | null>(null);
  const [errors, setErrors] = useState<Errors>({});
  useEffect(() => {
    if (settings.data) setValues(toValues(settings.data));
  }, [settings.data]);
  const save = useMutation({
    mutationFn: (patch: SettingsPatch) => api.patch<Settings>('/api/settings', patch),
    onSuccess: (saved) => {
      queryClient.setQueryData(['settings'], saved);
      void queryClient.invalidateQueries({ queryKey: ['settings'] });
      void queryClient.invalidateQueries({ queryKey: ['plex'] });
      notifications.show({ color: 'green', message: 'Settings saved' });
    },
  });

  const s = settings.data;
  const lock = (key: keyof Settings) =>
    s?.[key].source === 'flag' ? { disabled: true, description: `Set by ${flags[key]} on the command line` } : {};
  const update = <K extends keyof Values>(key: K, value: Values[K]) =>
    setValues((v) => (v ? { ...v, [key]: value } : v));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!values || !s) return;
    const found = validate(values);
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    const patch = patchOf(values, s);
    if (Object.keys(patch).length === 0) {
      notifications.show({ message: 'Nothing changed' });
      return;
    }
    save.mutate(patch);
  };

  return (
    <QueryState loading={settings.isPending || !values} error={settings.error}>
      {values && (
        <form onSubmit={submit} noValidate data-testid="settings-form">
          <Stack gap="sm">
            <TextInput
              label="Tuner name"
              description="The name Plex shows for this tuner"
              value={values.tunerName}
              onChange={(e) => update('tunerName', e.currentTarget.value)}
              error={errors.tunerName}
              data-testid="setting-tuner-name"
              {...lock('tunerName')}
            />
            <NumberInput
              label="Tuner count"
              description="Empty: automatic (the sum of the active accounts' connection limits)"
              value={values.tunerCountOverride}
              onChange={(v) => update('tunerCountOverride', v)}
              error={errors.tunerCountOverride}
              min={1}
              max={255}
              allowDecimal={false}
              data-testid="setting-tuner-count"
              {...lock('tunerCountOverride')}
            />
            <NumberInput
              label="Tuner wait (seconds)"
              description="How long a stream request waits for a free tuner when all are busy (0: answer busy at once)"
              value={values.tunerWaitSeconds}
              onChange={(v) => update('tunerWaitSeconds', v)}
              error={errors.tunerWaitSeconds}
              min={0}
              max={60}
              step={0.5}
              decimalScale={3}
              data-testid="setting-tuner-wait"
              {...lock('tunerWaitMs')}
            />
            <NumberInput
              label="EPG days"
              description="Days of programmes in the guide given to Plex"
              value={values.epgDays}
              onChange={(v) => update('epgDays', v)}
              error={errors.epgDays}
              min={1}
              max={14}
              allowDecimal={false}
              data-testid="setting-epg-days"
              {...lock('epgDays')}
            />
            <Select
              label="Log level"
              data={logLevels}
              value={values.logLevel}
              onChange={(v) => v && update('logLevel', v)}
              allowDeselect={false}
              data-testid="setting-log-level"
              {...lock('logLevel')}
            />
            <ErrorNote error={save.error} />
            <Group justify="flex-end">
              <Button type="submit" loading={save.isPending} data-testid="settings-save">
                Save settings
              </Button>
            </Group>
            {s && (Object.keys(flags) as (keyof Settings)[]).some((k) => s[k].source === 'flag') && (
              <Text size="xs" c="dimmed">
                Settings given on the command line win over the ones saved here; remove the flag to change them.
              </Text>
            )}
          </Stack>
        </form>
      )}
    </QueryState>
  );
}
