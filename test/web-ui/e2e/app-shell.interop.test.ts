import { afterEach, describe, expect, it } from 'vitest';
import { startUi, type UiFixture } from '../../support/browser.js';

/** The built UI served by the real server, in a real chromium: its shell, its routes, and what it leaves alone. */
describe('web UI in a browser: the shell', () => {
  let ui: UiFixture | undefined;
  afterEach(async () => {
    await ui?.close();
    ui = undefined;
  });

  it('loads at / with its title and navigation, and / opens the lineup', async () => {
    ui = await startUi();
    const page = await ui.openPage('/');
    await expect.poll(() => page.title()).toBe('Tunerbridge');
    const nav = page.getByRole('navigation', { name: 'Main navigation' });
    await nav.waitFor();
    for (const label of ['Set up', 'Lineup', 'Provider channels', 'Guide', 'Accounts', 'Live', 'Events', 'Settings'])
      expect(await nav.getByRole('link', { name: label }).count(), label).toBe(1);
    await page.getByRole('main').waitFor();
    await page.getByRole('banner').getByText('Tunerbridge', { exact: true }).waitFor();
    // The root redirects to the lineup, and its link is the active one.
    await expect.poll(() => new URL(page.url()).pathname).toBe('/lineup');
    await page.getByRole('heading', { name: 'Lineup' }).waitFor();
    // A click on another section changes the page without a reload.
    await nav.getByRole('link', { name: 'Settings' }).click();
    await expect.poll(() => new URL(page.url()).pathname).toBe('/settings');
    await page.getByRole('heading', { name: 'Settings' }).waitFor();
  });

  it('a reload on /lineup and on /channels/bbc.one.uk serves the UI on that page', async () => {
    ui = await startUi();
    const page = await ui.openPage('/lineup');
    await page.getByRole('heading', { name: 'Lineup' }).waitFor();
    const reloaded = await page.reload();
    expect(reloaded?.status()).toBe(200);
    expect(reloaded?.headers()['content-type']).toMatch(/^text\/html/);
    await page.getByRole('heading', { name: 'Lineup' }).waitFor();

    // A dotted XMLTV id is a client route, not a file.
    const channel = await page.goto('/channels/bbc.one.uk');
    expect(channel?.status()).toBe(200);
    // The UI answers it (channel pages are addressed by the lineup's numeric id, so it says so).
    await page.getByRole('alert').filter({ hasText: 'not a channel address' }).waitFor();
    await page.reload();
    await page.getByRole('navigation', { name: 'Main navigation' }).waitFor();
    await page.getByRole('alert').filter({ hasText: 'not a channel address' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/channels/bbc.one.uk');
  });

  it('/discover.json stays the tuner’s JSON and /api/nope a JSON 404, in the browser too', async () => {
    ui = await startUi();
    const page = await ui.openPage('/discover.json');
    const discover = JSON.parse((await page.locator('body').innerText()).trim()) as { DeviceID?: string };
    expect(discover.DeviceID).toMatch(/^[0-9A-F]{8}$/);
    expect(await page.locator('#root').count()).toBe(0);

    const missing = await page.goto('/api/nope');
    expect(missing?.status()).toBe(404);
    expect(missing?.headers()['content-type']).toMatch(/json/);
    expect(JSON.parse((await page.locator('body').innerText()).trim())).toEqual({ error: 'not found' });
  });

  it('with no password, a browser on loopback opens the app (loopback is admin)', async () => {
    ui = await startUi();
    const session = await ui.api<{ passwordSet: boolean }>('GET', '/api/auth/session');
    expect(session.body.passwordSet).toBe(false);
    const page = await ui.openPage('/accounts');
    await page.getByRole('navigation', { name: 'Main navigation' }).waitFor();
    await page.getByRole('heading', { name: 'Accounts' }).waitFor();
    expect(await page.getByLabel('Admin password').count()).toBe(0);
    expect(await page.getByText('Set an admin password first').count()).toBe(0);
    // The page's own calls are admin: the session it sees says so.
    const seen = await page.evaluate(async () => (await fetch('/api/auth/session')).json());
    expect(seen).toMatchObject({ passwordSet: false, authenticated: true, via: 'loopback' });
  });
});
