import { afterEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startUi, type UiFixture } from '../../support/browser.js';
import { liveStream } from '../../support/fake-xtream-provider.js';
import { openStream } from '../../streaming/stream-fixture.js';
import { hourlyProgrammes, xmltvDocument } from '../../xmltv/guide-fixture.js';

/** The numeric id at the end of the first element whose data-testid starts with `prefix`. */
async function idOf(page: Page, prefix: string): Promise<number> {
  const element = page.locator(`[data-testid^="${prefix}"]`).first();
  await element.waitFor();
  const testId = (await element.getAttribute('data-testid')) ?? '';
  const id = Number(testId.slice(prefix.length));
  expect(Number.isInteger(id) && id > 0, `${prefix}<id> from ${testId}`).toBe(true);
  return id;
}

/** Which channel the provider streams are named for (the matcher pairs them with the guide's channels). */
const streams = { 'BBC One': 101, 'Channel 4': 201 };

/*
 * The first run, as a newcomer does it in the browser: no password, no account. The wizard sets the
 * password, adds and tests the account, scans it, uploads an XMLTV file, imports it, matches and
 * enables the channels, and shows the tuner address; then the test plays Plex's part.
 */
describe('web UI in a browser: the first-run wizard', () => {
  let ui: UiFixture | undefined;
  afterEach(async () => {
    await ui?.close();
    ui = undefined;
  });

  it('goes from nothing to a tuner Plex can fetch and play, through every step', { timeout: 150_000 }, async () => {
    ui = await startUi({ withoutAccount: true });
    const { provider, providerLogin } = ui;
    provider.setAccount({
      ...providerLogin,
      categories: [{ category_id: '1', category_name: 'UK', parent_id: 0 }],
      streams: [
        liveStream(streams['BBC One'], 'UK: BBC One HD'),
        liveStream(streams['Channel 4'], 'UK: Channel 4 HD'),
        liveStream(301, 'UK: Shopping Extra'),
      ],
    });
    const guide = xmltvDocument(
      [
        { id: 'bbc1.uk', names: ['BBC One'] },
        { id: 'c4.uk', names: ['Channel 4'] },
        { id: 'nostream.uk', names: ['No Stream TV'] },
      ],
      hourlyProgrammes(['bbc1.uk', 'c4.uk', 'nostream.uk'], 4),
    );

    const page = await ui.openPage('/');
    await expect.poll(() => new URL(page.url()).pathname).toBe('/setup');
    const step = (name: string) => page.getByTestId(`setup-step-${name}`);
    const panel = (name: string) => page.getByTestId(`setup-panel-${name}`);
    const next = async (to: string) => {
      await page.getByTestId('setup-next').click();
      await panel(to).waitFor();
    };

    // (a) Password: set from loopback; the browser keeps its session (the answer sets the cookie).
    await panel('password').waitFor();
    expect(await step('password').getAttribute('data-done')).toBe('false');
    await page.getByTestId('first-password-new').fill('correct horse battery');
    await page.getByTestId('first-password-confirm').fill('correct horse battery');
    await page.getByTestId('first-password-submit').click();
    await page.getByTestId('setup-password-set').waitFor();
    await page.locator('[data-testid="setup-step-password"][data-done="true"]').waitFor();
    expect(await page.getByLabel('Admin password').count()).toBe(0);
    const session = await page.evaluate(async () => (await fetch('/api/auth/session')).json());
    expect(session).toMatchObject({ passwordSet: true, authenticated: true, via: 'cookie' });
    // Loopback alone is no longer admin: the test's own calls without the cookie are refused.
    expect((await ui.api('GET', '/api/accounts')).status).toBe(401);

    // (b) Account: the form, then the connection test's status.
    await next('account');
    expect(await step('account').getAttribute('data-done')).toBe('false');
    await page.getByTestId('account-form-name').fill('My provider');
    await page.getByTestId('account-form-server-url').fill(provider.url);
    await page.getByTestId('account-form-username').fill(providerLogin.username);
    await page.getByTestId('account-form-password').fill(providerLogin.password);
    await page.getByTestId('account-form-submit').click();
    const accountId = await idOf(page, 'setup-account-test-');
    await page
      .getByTestId(`account-status-${accountId}`)
      .filter({ hasText: /^active$/i })
      .waitFor();
    await page.locator('[data-testid="setup-step-account"][data-done="true"]').waitFor();
    const authChecks = () =>
      provider.requests.filter((r) => r.path === '/player_api.php' && r.query.action === undefined).length;
    const checksBefore = authChecks();
    expect(checksBefore).toBeGreaterThanOrEqual(1);
    expect(provider.requests.some((r) => r.query.username === providerLogin.username)).toBe(true);
    // The Test button asks the provider again.
    await page.getByTestId(`setup-account-test-${accountId}`).click();
    await expect.poll(authChecks).toBeGreaterThan(checksBefore);
    await page
      .getByTestId(`account-status-${accountId}`)
      .filter({ hasText: /^active$/i })
      .waitFor();

    // (c) Scan: the result and the provider channel count.
    await next('scan');
    await page.getByTestId(`scan-button-${accountId}`).click();
    const scanResult = page.getByTestId(`scan-result-${accountId}`);
    await scanResult.waitFor();
    expect(await scanResult.innerText()).toMatch(/^3 channels from 3 streams: 3 new/);
    await page
      .getByTestId('setup-provider-channel-count')
      .filter({ hasText: /^3 provider channels known/ })
      .waitFor();
    await page.locator('[data-testid="setup-step-scan"][data-done="true"]').waitFor();

    // (d) Guide: an XMLTV file uploaded through the file input.
    await next('guide');
    await panel('guide').getByText('Upload file', { exact: true }).click();
    await page.getByTestId('setup-guide-file').waitFor();
    await page.locator('[data-testid="setup-panel-guide"] input[type="file"]').setInputFiles({
      name: 'guide.xml',
      mimeType: 'application/xml',
      buffer: Buffer.from(guide),
    });
    await page.getByTestId('setup-guide-name').fill('Uploaded guide');
    await page.getByTestId('setup-guide-add').click();
    await page.getByTestId('setup-guide-list').getByText('Uploaded guide', { exact: true }).waitFor();
    await page.locator('[data-testid="setup-step-guide"][data-done="true"]').waitFor();

    // (e) Import: 3 channels, 12 programmes.
    await next('import');
    const sourceId = await idOf(page, 'setup-import-button-');
    await page.getByTestId(`setup-import-button-${sourceId}`).click();
    const importResult = page.getByTestId(`setup-import-result-${sourceId}`);
    await importResult.waitFor();
    expect(await importResult.innerText()).toMatch(/^Imported 3 channels and 12 programmes in /);
    await page.locator('[data-testid="setup-step-import"][data-done="true"]').waitFor();

    // (f) Matching: the two channels with a stream, the third without.
    await next('matching');
    await page.getByTestId('setup-matched-count').filter({ hasText: /^2$/ }).waitFor();
    await page.getByTestId('setup-unmatched-count').filter({ hasText: /^1$/ }).waitFor();
    await page.getByTestId('setup-run-matching').click();
    const matching = page.getByTestId('setup-matching-result');
    await matching.waitFor();
    expect(await matching.innerText()).toMatch(/^Matching run: 2 matched, 1 unmatched, \d+ changed\.$/);

    // (g) Enable: the import already enabled the matched channels; one turned off (as in the lineup,
    // from this browser's session) shows live here, and "Enable all" turns it back on.
    await next('enable');
    await page.getByTestId('setup-enabled-count').filter({ hasText: /^2$/ }).waitFor();
    const turnedOff = await page.evaluate(async () => {
      const list = (await (await fetch('/api/channels?matched=true')).json()) as { items: { id: number }[] };
      const id = list.items[0]!.id;
      const res = await fetch(`/api/channels/${id}`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ enabled: false }),
      });
      return { id, status: res.status };
    });
    expect(turnedOff.status).toBe(200);
    await page.getByTestId('setup-enabled-count').filter({ hasText: /^1$/ }).waitFor();
    await page.getByTestId('setup-enable-all').click();
    const enableResult = page.getByTestId('setup-enable-result');
    await enableResult.waitFor();
    expect(await enableResult.innerText()).toBe('1 channels enabled.');
    await page.getByTestId('setup-enabled-count').filter({ hasText: /^2$/ }).waitFor();
    await page.locator('[data-testid="setup-step-enable"][data-done="true"]').waitFor();
    const channel = await page.evaluate(
      async (id) => ((await (await fetch(`/api/channels/${id}`)).json()) as { enabled: boolean }).enabled,
      turnedOff.id,
    );
    expect(channel).toBe(true);

    // (h) Plex: the tuner address, and Plex's fetches seen as they happen.
    await next('plex');
    expect(await page.getByTestId('plex-tuner-url').innerText()).toBe(ui.t.url);
    const fetched = (what: string, value: string) =>
      page.locator(`[data-testid="plex-fetched-${what}"][data-fetched="${value}"]`);
    await fetched('discover', 'no').waitFor();
    await fetched('lineup', 'no').waitFor();
    expect(await step('plex').getAttribute('data-done')).toBe('false');

    const discover = (await (await fetch(`${ui.t.url}/discover.json`)).json()) as { LineupURL: string };
    expect(discover.LineupURL).toBe(`${ui.t.url}/lineup.json`);
    await fetched('discover', 'yes').waitFor({ timeout: 15_000 });
    expect(await fetched('lineup', 'no').count()).toBe(1);
    const lineup = (await (await fetch(discover.LineupURL)).json()) as { GuideName: string; URL: string }[];
    await fetched('lineup', 'yes').waitFor({ timeout: 15_000 });
    await page.locator('[data-testid="setup-step-plex"][data-done="true"]').waitFor();
    expect(lineup.map((e) => e.GuideName).sort()).toEqual(['BBC One', 'Channel 4']);

    // Plex tunes the first channel: MPEG-TS from the stream the matcher paired with it.
    const first = lineup[0]!;
    expect(first.URL.startsWith(`${ui.t.url}/`)).toBe(true);
    expect(provider.streamRequests()).toEqual([]);
    const stream = await openStream(first.URL);
    try {
      expect(stream.status).toBe(200);
      await stream.waitForBytes(188 * 64, 30_000);
      const head = stream.head();
      for (let offset = 0; offset + 188 <= 188 * 64; offset += 188) expect(head[offset], `byte ${offset}`).toBe(0x47);
    } finally {
      stream.close();
    }
    expect(provider.streamRequests().map((r) => r.streamId)).toEqual([
      streams[first.GuideName as keyof typeof streams],
    ]);
    expect(provider.streamRequests()[0]).toMatchObject(providerLogin);
    // No call the pages made failed along the way.
    expect(ui.errorResponses).toEqual([]);
  });
});
