import { afterEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startUi, type UiFixture } from '../../support/browser.js';
import { openStream } from '../../streaming/stream-fixture.js';
import { getChannel, seedLineup, type ApiChannel } from './seeded-lineup.js';

/*
 * BBC One has two candidate streams after matching: the provider channel "UK: BBC One" (its HD
 * and FHD variants; the primary) and "BBC One Backup" (one stream, 111). Channel 4 is there so
 * the lineup is not one channel.
 */
const guide = [
  {
    id: 'bbc1.uk',
    name: 'BBC One',
    streams: [
      { streamId: 101, name: 'UK: BBC One HD' },
      { streamId: 102, name: 'UK: BBC One FHD' },
      { streamId: 111, name: 'BBC One Backup' },
    ],
  },
  { id: 'c4.uk', name: 'Channel 4', streams: [{ streamId: 201, name: 'UK: Channel 4 HD' }] },
];

/** The provider channel names in the page's streams table, top to bottom. */
async function listedStreams(page: Page): Promise<string[]> {
  const rows = page.getByRole('table', { name: 'Streams of BBC One' }).locator('tbody').getByRole('row');
  const names: string[] = [];
  for (const row of await rows.all()) names.push(await row.getByRole('cell').first().innerText());
  return names;
}

/** The candidates' provider channel names from the API, the primary first, and which is primary. */
async function mappingsOf(ui: UiFixture, id: number): Promise<[string, boolean][]> {
  return (await getChannel(ui, id)).mappings.map((m) => [m.name, m.isPrimary]);
}

/** Plays `/stream/<channel id>` as Plex would, reads some TS packets, hangs up; the provider's new stream requests. */
async function play(ui: UiFixture, channelId: string): Promise<number[]> {
  const before = ui.provider.streamRequests().length;
  const stream = await openStream(`${ui.t.url}/stream/${channelId}`);
  try {
    expect(stream.status).toBe(200);
    await stream.waitForBytes(188 * 32, 30_000);
    expect(stream.head()[0]).toBe(0x47);
  } finally {
    stream.close();
  }
  // The hang-up reaches the provider (no grace in these tests): nothing is left streaming.
  await expect.poll(() => ui.provider.openStreams(), { timeout: 15_000 }).toBe(0);
  return ui.provider
    .streamRequests()
    .slice(before)
    .map((r) => r.streamId!);
}

/** The Channel page in a real chromium: its candidate streams, a new primary, a removed stream. */
describe('web UI in a browser: the Channel page', () => {
  let ui: UiFixture | undefined;
  afterEach(async () => {
    await ui?.close();
    ui = undefined;
  });

  /** A fresh app (no stream grace, so a hang-up ends the upstream) with the lineup, BBC One's page open. */
  async function open(): Promise<{ page: Page; bbc: ApiChannel }> {
    ui = await startUi({ app: { config: { hubGraceMs: 0 } } });
    const bbc = (await seedLineup(ui, guide)).find((c) => c.channelId === 'bbc1.uk')!;
    expect(bbc.mappings.map((m) => [m.name, m.isPrimary])).toEqual([
      ['UK: BBC One', true],
      ['BBC One Backup', false],
    ]);
    const page = await ui.openPage(`/channels/${bbc.id}`);
    await page.getByRole('heading', { name: 'BBC One', exact: true }).waitFor();
    await expect.poll(() => listedStreams(page)).toEqual(['UK: BBC One', 'BBC One Backup']);
    return { page, bbc };
  }

  it('lists the candidate streams; a new primary is what /stream/<id> then asks the provider for', async () => {
    const { page, bbc } = await open();
    // Before: the primary's best tier (FHD, stream 102) plays.
    expect(await play(ui!, 'bbc1.uk')).toEqual([102]);

    expect(await page.getByRole('button', { name: 'Make UK: BBC One primary' }).count()).toBe(0);
    const saved = page.waitForResponse((r) => r.url().endsWith(`/api/channels/${bbc.id}/primary`));
    await page.getByRole('button', { name: 'Make BBC One Backup primary' }).click();
    expect((await saved).status()).toBe(200);
    // The page swaps the badge and the button, and lists the new primary first.
    await page.getByRole('button', { name: 'Make UK: BBC One primary' }).waitFor();
    await expect.poll(() => page.getByRole('button', { name: 'Make BBC One Backup primary' }).count()).toBe(0);
    await expect.poll(() => listedStreams(page)).toEqual(['BBC One Backup', 'UK: BBC One']);
    expect(await mappingsOf(ui!, bbc.id)).toEqual([
      ['BBC One Backup', true],
      ['UK: BBC One', false],
    ]);
    const backupId = (await getChannel(ui!, bbc.id)).mappings[0]!.xtreamChannelId;
    await page.getByTestId(`primary-${backupId}`).waitFor();

    // After: the provider is asked for the new primary's stream, 111, and only that.
    expect(await play(ui!, 'bbc1.uk')).toEqual([111]);
    expect(ui!.errorResponses).toEqual([]);
  });

  it('removes a candidate stream after confirmation, and it stays removed after a reload and a matching run', async () => {
    const { page, bbc } = await open();
    await page.getByRole('button', { name: 'Remove BBC One Backup' }).click();
    const dialog = page.getByRole('dialog', { name: 'Remove this stream?' });
    await dialog.waitFor();
    expect(await dialog.innerText()).toContain('BBC One Backup will no longer play BBC One');
    const removed = page.waitForResponse((r) => r.request().method() === 'DELETE');
    await dialog.getByRole('button', { name: 'Remove', exact: true }).click();
    expect((await removed).status()).toBe(200);
    await expect.poll(() => dialog.count()).toBe(0);

    await expect.poll(() => listedStreams(page)).toEqual(['UK: BBC One']);
    expect(await mappingsOf(ui!, bbc.id)).toEqual([['UK: BBC One', true]]);
    // The page offers it back until it is left.
    await page.getByTestId('removed-mappings').getByText('BBC One Backup', { exact: false }).waitFor();

    await page.reload();
    await page.getByRole('heading', { name: 'BBC One', exact: true }).waitFor();
    await expect.poll(() => listedStreams(page)).toEqual(['UK: BBC One']);
    expect(await page.getByRole('button', { name: 'Remove BBC One Backup' }).count()).toBe(0);

    // The matcher would pair it again (it did at first); a run keeps it removed.
    const run = await ui!.api<{ matched: number }>('POST', '/api/matching/run');
    expect(run.status).toBe(200);
    expect(await mappingsOf(ui!, bbc.id)).toEqual([['UK: BBC One', true]]);
    await page.reload();
    await page.getByRole('heading', { name: 'BBC One', exact: true }).waitFor();
    await expect.poll(() => listedStreams(page)).toEqual(['UK: BBC One']);
    expect(ui!.errorResponses).toEqual([]);
  });
});
