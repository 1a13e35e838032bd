import { Button, Group, Stack, Stepper, Text, Title } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { IconCheck } from '@tabler/icons-react';
import { useEffect, useState, type ReactNode } from 'react';
import { QueryState } from '../../components/QueryState';
import { doneSteps, firstOpenStep, setupSteps, type SetupStep } from '../../lib/setup';
import { AccountStep, PasswordStep, ScanStep } from './StepsAccount';
import { GuideStep, ImportStep } from './StepsGuide';
import { EnableStep, MatchingStep } from './StepsLineup';
import { PlexStep } from './StepPlex';
import { useSetupState } from './useSetupState';

const steps: Record<SetupStep, { label: string; description: string; body: () => ReactNode }> = {
  password: { label: 'Password', description: 'Admin password', body: () => <PasswordStep /> },
  account: { label: 'Account', description: 'Xtream login', body: () => <AccountStep /> },
  scan: { label: 'Scan', description: 'Provider channels', body: () => <ScanStep /> },
  guide: { label: 'Guide', description: 'XMLTV source', body: () => <GuideStep /> },
  import: { label: 'Import', description: 'Programmes', body: () => <ImportStep /> },
  matching: { label: 'Matching', description: 'Guide ↔ streams', body: () => <MatchingStep /> },
  enable: { label: 'Channels', description: 'Enable', body: () => <EnableStep /> },
  plex: { label: 'Plex', description: 'Add the tuner', body: () => <PlexStep /> },
};

/**
 * `/setup`: the first-run wizard. Each step is marked done from the server's state, so it resumes
 * where the set-up stands (and any step can be opened again).
 */
export function SetupPage() {
  const [active, setActive] = useState<number | null>(null);
  const onPlex = active === setupSteps.indexOf('plex');
  const { state, loading } = useSetupState(onPlex);
  const narrow = useMediaQuery('(max-width: 48em)');
  const done = doneSteps(state);
  // Start at the first open step once the server's state is known; the user moves freely after.
  useEffect(() => {
    if (active === null && !loading) setActive(firstOpenStep(state));
  }, [active, loading, state]);
  const current = active ?? 0;
  const last = setupSteps.length - 1;

  return (
    <Stack>
      <Title order={2}>Set up</Title>
      <Text c="dimmed">
        From an IPTV subscription to Live TV in Plex. Steps already done on this server are ticked; open any step to
        change it.
      </Text>
      <QueryState loading={loading || active === null} error={null}>
        <Stepper
          active={current}
          onStepClick={setActive}
          allowNextStepsSelect
          orientation={narrow ? 'vertical' : 'horizontal'}
          size="sm"
          wrap
          data-testid="setup-stepper"
        >
          {setupSteps.map((step, index) => {
            const isDone = done[step];
            const mark = isDone ? <IconCheck size={16} aria-hidden /> : index + 1;
            return (
              <Stepper.Step
                key={step}
                label={steps[step].label}
                description={isDone ? 'Done' : steps[step].description}
                icon={mark}
                completedIcon={mark}
                color={isDone ? 'green' : undefined}
                data-testid={`setup-step-${step}`}
                data-done={isDone ? 'true' : 'false'}
                aria-label={`${steps[step].label}: ${isDone ? 'done' : 'to do'}`}
              >
                <Stack mt="md" data-testid={`setup-panel-${step}`}>
                  {steps[step].body()}
                </Stack>
              </Stepper.Step>
            );
          })}
        </Stepper>
        <Group justify="space-between" mt="lg">
          <Button
            variant="default"
            onClick={() => setActive(Math.max(0, current - 1))}
            disabled={current === 0}
            data-testid="setup-back"
          >
            Back
          </Button>
          <Button
            onClick={() => setActive(Math.min(last, current + 1))}
            disabled={current === last}
            data-testid="setup-next"
          >
            {done[setupSteps[current]!] ? 'Next' : 'Skip for now'}
          </Button>
        </Group>
      </QueryState>
    </Stack>
  );
}
