import { afterEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startUi, type UiFixture } from '../../support/browser.js';
import { getChannel, listChannels, seedLineup, tunerLineup, type ApiChannel } from './seeded-lineup.js';

/** Four guide channels with a provider stream each, and one the provider does not carry. */
const guide = [
  { id: 'bbc1.uk', name: 'BBC One', streams: [{ streamId: 101, name: 'UK: BBC One HD' }] },
  { id: 'c4.uk', name: 'Channel 4', streams: [{ streamId: 201, name: 'UK: Channel 4 HD' }] },
  { id: 'itv1.uk', name: 'ITV1', streams: [{ streamId: 301, name: 'UK: ITV1 HD' }] },
  { id: 'dave.uk', name: 'Dave', streams: [{ streamId: 401, name: 'UK: Dave HD' }] },
  { id: 'none.uk', name: 'No Stream TV', streams: [] },
];

/** The lineup channels by display name. */
function byName(channels: ApiChannel[]): Record<string, ApiChannel> {
  return Object.fromEntries(channels.map((c) => [c.displayName, c]));
}

/**
 * A keyboard drag with dnd-kit's keyboard sensor: Space on the row's handle picks it up, each
 * arrow key moves it one row, Space drops it. dnd-kit measures between moves, so each step waits
 * for its screen-reader announcement of the row it is now over before the next key; the drop
 * waits for the reorder request's answer.
 */
async function dragWithKeys(
  page: Page,
  name: string,
  id: number,
  steps: ['ArrowUp' | 'ArrowDown', number][],
): Promise<void> {
  const handle = page.getByRole('button', { name: `Move ${name}` });
  await handle.focus();
  await handle.press('Space');
  await page.locator(`[data-testid="drag-handle-${id}"][aria-pressed="true"]`).waitFor();
  for (const [key, overId] of steps) {
    await page.keyboard.press(key);
    await page.getByText(`Draggable item ${id} was moved over droppable area ${overId}.`, { exact: true }).waitFor();
  }
  const saved = page.waitForResponse((r) => r.url().endsWith('/api/channels/reorder'));
  await page.keyboard.press('Space');
  expect((await saved).status()).toBe(200);
}

/**
 * A pointer drag: press on the row's handle, move in small steps (past dnd-kit's 5 px activation
 * distance) to the middle of the target row, wait for the announcement that the row is over it,
 * release, and wait for the reorder request's answer.
 */
async function dragWithPointer(page: Page, name: string, id: number, overName: string, overId: number): Promise<void> {
  const from = await page.getByRole('button', { name: `Move ${name}` }).boundingBox();
  const to = await page.getByTestId(`lineup-row-${overId}`).boundingBox();
  if (!from || !to) throw new Error(`no box for the handle of ${name} or the row of ${overName}`);
  const x = from.x + from.width / 2;
  await page.mouse.move(x, from.y + from.height / 2);
  await page.mouse.down();
  await page.mouse.move(x, to.y + to.height / 2, { steps: 20 });
  await page.getByText(`Draggable item ${id} was moved over droppable area ${overId}.`, { exact: true }).waitFor();
  const saved = page.waitForResponse((r) => r.url().endsWith('/api/channels/reorder'));
  await page.mouse.up();
  expect((await saved).status()).toBe(200);
}

/** The channel names as the rows stand on screen, top to bottom (rows are placed absolutely, so not DOM order). */
async function shownOrder(page: Page): Promise<string[]> {
  const rows = await page.locator('[data-testid^="lineup-row-"]').all();
  const placed = await Promise.all(
    rows.map(async (row) => ({
      top: (await row.boundingBox())?.y ?? Number.NaN,
      name: await row.locator('[data-testid^="channel-link-"]').innerText(),
    })),
  );
  return placed.sort((a, b) => a.top - b.top).map((r) => r.name);
}

/*
 * The Lineup page in a real chromium against the real server: a lineup scanned, imported and
 * matched through the API, changed with the page's own controls, and every change checked where
 * it lands — the management API and the tuner's /lineup.json that Plex reads.
 */
describe('web UI in a browser: the Lineup page', () => {
  let ui: UiFixture | undefined;
  afterEach(async () => {
    await ui?.close();
    ui = undefined;
  });

  /** A fresh app with the seeded lineup, and the Lineup page open on it. */
  async function open(): Promise<{ page: Page; channels: Record<string, ApiChannel> }> {
    ui = await startUi();
    const channels = byName(await seedLineup(ui, guide));
    expect(Object.keys(channels)).toEqual(['BBC One', 'Channel 4', 'ITV1', 'Dave', 'No Stream TV']);
    const page = await ui.openPage('/lineup');
    await page.getByRole('table', { name: 'Lineup channels' }).waitFor();
    await page.getByTestId(`lineup-row-${channels['No Stream TV']!.id}`).waitFor();
    return { page, channels };
  }

  it('enables a channel with its switch, and bulk-disables two selected ones', async () => {
    const { page, channels } = await open();
    const dave = channels.Dave!;
    // Dave starts off (the user's choice, made through the API): Plex does not see it.
    expect((await ui!.api('PATCH', `/api/channels/${dave.id}`, { enabled: false })).status).toBe(200);
    expect((await tunerLineup(ui!)).map((e) => e.GuideName)).toEqual(['BBC One', 'Channel 4', 'ITV1']);

    const daveSwitch = page.getByRole('switch', { name: 'Enabled: Dave' });
    await expect.poll(() => daveSwitch.isChecked()).toBe(false);
    // Mantine draws the track over its input; a click on the input's spot lands on the track, as a user's does.
    await daveSwitch.click({ force: true });
    await expect.poll(async () => (await getChannel(ui!, dave.id)).enabled).toBe(true);
    await expect.poll(() => daveSwitch.isChecked()).toBe(true);
    expect((await tunerLineup(ui!)).map((e) => e.GuideName)).toEqual(['BBC One', 'Channel 4', 'ITV1', 'Dave']);

    // Select Channel 4 and ITV1, then Disable in the bulk bar.
    await page.getByRole('checkbox', { name: 'Select Channel 4' }).check();
    await page.getByRole('checkbox', { name: 'Select ITV1' }).check();
    const bulkBar = page.getByTestId('bulk-bar');
    await bulkBar.getByText('2 selected', { exact: true }).waitFor();
    await bulkBar.getByRole('button', { name: 'Disable', exact: true }).click();
    await page.getByText('2 channels disabled', { exact: true }).waitFor();
    const enabled = async () => Object.fromEntries((await listChannels(ui!)).map((c) => [c.displayName, c.enabled]));
    await expect
      .poll(enabled)
      .toEqual({ 'BBC One': true, 'Channel 4': false, ITV1: false, Dave: true, 'No Stream TV': false });
    expect((await tunerLineup(ui!)).map((e) => e.GuideName)).toEqual(['BBC One', 'Dave']);
    // The page shows it too, and the selection is gone.
    await expect.poll(() => page.getByRole('switch', { name: 'Enabled: Channel 4' }).isChecked()).toBe(false);
    await expect.poll(() => page.getByRole('switch', { name: 'Enabled: ITV1' }).isChecked()).toBe(false);
    await expect.poll(() => bulkBar.count()).toBe(0);
    expect(ui!.errorResponses).toEqual([]);
  });

  it('renumbers a channel inline, and refuses a number another channel has with a message at the field', async () => {
    const { page, channels } = await open();
    const c4 = channels['Channel 4']!;
    const itv = channels.ITV1!;
    expect([c4.number, itv.number]).toEqual([2, 3]);

    await page.getByRole('button', { name: 'Channel number 2 of Channel 4: change' }).click();
    const c4Input = page.getByLabel('Number of Channel 4');
    await c4Input.fill('104');
    await c4Input.press('Enter');
    await expect.poll(async () => (await getChannel(ui!, c4.id)).number).toBe(104);
    await page.getByRole('button', { name: 'Channel number 104 of Channel 4: change' }).waitFor();
    const entry = (await tunerLineup(ui!)).find((e) => e.GuideName === 'Channel 4');
    expect(entry?.GuideNumber).toBe('104');

    // ITV1 asks for 104 too: the server refuses, the row says why, under the field.
    await page.getByRole('button', { name: 'Channel number 3 of ITV1: change' }).click();
    const itvInput = page.getByLabel('Number of ITV1');
    await itvInput.fill('104');
    const refused = page.waitForResponse(
      (r) => r.url().endsWith(`/api/channels/${itv.id}`) && r.request().method() === 'PATCH',
    );
    await itvInput.press('Enter');
    expect((await refused).status()).toBe(409);
    const itvRow = page.getByTestId(`lineup-row-${itv.id}`);
    const message = itvRow.getByRole('alert');
    await message.waitFor();
    expect(await message.innerText()).toBe('Number 104 is taken by another channel');
    // The field stays open with what was typed, marked invalid; nothing changed on the server.
    expect(await itvInput.inputValue()).toBe('104');
    expect(await itvInput.getAttribute('aria-invalid')).toBe('true');
    expect((await getChannel(ui!, itv.id)).number).toBe(3);
    expect((await getChannel(ui!, c4.id)).number).toBe(104);
    const numbers = Object.fromEntries((await tunerLineup(ui!)).map((e) => [e.GuideName, e.GuideNumber]));
    expect(numbers).toEqual({ 'BBC One': '1', 'Channel 4': '104', ITV1: '3', Dave: '4' });

    // Typing clears the message; Escape leaves the number as it was.
    await itvInput.fill('105');
    await expect.poll(() => message.count()).toBe(0);
    await itvInput.press('Escape');
    await page.getByRole('button', { name: 'Channel number 3 of ITV1: change' }).waitFor();
    expect((await getChannel(ui!, itv.id)).number).toBe(3);
    // The one refusal is the only failed call the page made.
    expect(ui!.errorResponses).toEqual([`409 PATCH /api/channels/${itv.id}`]);
  });

  it('reorders by keyboard drag on the handle: the API’s order changes, the numbers stay', async () => {
    const { page, channels } = await open();
    const order = async () => (await listChannels(ui!)).map((c) => c.displayName);
    expect(await order()).toEqual(['BBC One', 'Channel 4', 'ITV1', 'Dave', 'No Stream TV']);

    await dragWithKeys(page, 'BBC One', channels['BBC One']!.id, [
      ['ArrowDown', channels['Channel 4']!.id],
      ['ArrowDown', channels.ITV1!.id],
    ]);
    await expect.poll(order).toEqual(['Channel 4', 'ITV1', 'BBC One', 'Dave', 'No Stream TV']);
    const after = byName(await listChannels(ui!));
    for (const name of Object.keys(channels)) expect(after[name]!.number, name).toBe(channels[name]!.number);

    // The page shows the new order, and so does a reload (it comes from the server).
    await expect.poll(() => shownOrder(page)).toEqual(['Channel 4', 'ITV1', 'BBC One', 'Dave', 'No Stream TV']);
    await page.reload();
    await page.getByTestId(`lineup-row-${channels.Dave!.id}`).waitFor();
    await expect.poll(() => shownOrder(page)).toEqual(['Channel 4', 'ITV1', 'BBC One', 'Dave', 'No Stream TV']);

    // Moving up: Dave two rows up lands before ITV1.
    await dragWithKeys(page, 'Dave', channels.Dave!.id, [
      ['ArrowUp', channels['BBC One']!.id],
      ['ArrowUp', channels.ITV1!.id],
    ]);
    await expect.poll(order).toEqual(['Channel 4', 'Dave', 'ITV1', 'BBC One', 'No Stream TV']);
    expect(ui!.errorResponses).toEqual([]);
  });

  it('reorders by pointer drag on the handle: the exact new order is saved', async () => {
    const { page, channels } = await open();
    const order = async () => (await listChannels(ui!)).map((c) => c.displayName);
    // Dave dropped on BBC One's row (moving up): it lands before it.
    await dragWithPointer(page, 'Dave', channels.Dave!.id, 'BBC One', channels['BBC One']!.id);
    await expect.poll(order).toEqual(['Dave', 'BBC One', 'Channel 4', 'ITV1', 'No Stream TV']);
    await expect.poll(() => shownOrder(page)).toEqual(['Dave', 'BBC One', 'Channel 4', 'ITV1', 'No Stream TV']);
    // Channel 4 dropped on ITV1's row (moving down): it lands after it.
    await dragWithPointer(page, 'Channel 4', channels['Channel 4']!.id, 'ITV1', channels.ITV1!.id);
    await expect.poll(order).toEqual(['Dave', 'BBC One', 'ITV1', 'Channel 4', 'No Stream TV']);
    const after = byName(await listChannels(ui!));
    for (const name of Object.keys(channels)) expect(after[name]!.number, name).toBe(channels[name]!.number);
    expect(ui!.errorResponses).toEqual([]);
  });
});
