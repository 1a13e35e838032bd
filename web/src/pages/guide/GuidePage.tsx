import { Stack, Tabs, Title } from '@mantine/core';
import { IconCalendarTime, IconDatabase } from '@tabler/icons-react';
import { useSearchParams } from 'react-router-dom';
import { GuideGrid } from './GuideGrid';
import { GuideSources } from './GuideSources';

/** `/guide`: the programme grid and the guide sources (`?tab=sources`). */
export function GuidePage() {
  const [params, setParams] = useSearchParams();
  const tab = params.get('tab') === 'sources' ? 'sources' : 'grid';
  return (
    <Stack>
      <Title order={2}>Guide</Title>
      <Tabs
        value={tab}
        onChange={(value) => setParams(value === 'sources' ? { tab: 'sources' } : {}, { replace: true })}
        keepMounted={false}
      >
        <Tabs.List>
          <Tabs.Tab value="grid" leftSection={<IconCalendarTime size={16} aria-hidden />} data-testid="guide-tab-grid">
            Grid
          </Tabs.Tab>
          <Tabs.Tab
            value="sources"
            leftSection={<IconDatabase size={16} aria-hidden />}
            data-testid="guide-tab-sources"
          >
            Sources
          </Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="grid" pt="md">
          <GuideGrid />
        </Tabs.Panel>
        <Tabs.Panel value="sources" pt="md">
          <GuideSources />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
