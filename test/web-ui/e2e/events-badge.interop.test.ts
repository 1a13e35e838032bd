import { afterEach, describe, expect, it } from 'vitest';
import { startUi, type UiFixture } from '../../support/browser.js';

interface EventPage {
  items: { level: string; category: string; message: string }[];
  total: number;
}

/** The navigation's unread-events badge, fed by a real failed guide import. */
describe('web UI in a browser: the unread events badge', () => {
  let ui: UiFixture | undefined;
  afterEach(async () => {
    await ui?.close();
    ui = undefined;
  });

  it('counts the unread events after a failed guide import and goes once they are read', async () => {
    ui = await startUi();
    // Start from nothing unread, whatever start-up recorded.
    expect((await ui.api('POST', '/api/events/read', {})).status).toBe(200);

    // The account's own xmltv.php: the fake provider has no guide for it and answers 404.
    const source = await ui.api<{ id: number }>('POST', '/api/xmltv-sources', {
      name: 'Provider guide',
      accountId: ui.accountId,
    });
    expect(source.status).toBe(201);
    const refresh = await ui.api<{ error: string }>('POST', `/api/xmltv-sources/${source.body.id}/refresh`);
    expect(refresh.status).toBeGreaterThanOrEqual(400);
    expect(Object.keys(refresh.body)).toEqual(['error']);
    const unread = await ui.api<EventPage>('GET', '/api/events?unread=true');
    expect(unread.body.total).toBeGreaterThanOrEqual(1);
    expect(unread.body.items.some((e) => e.category === 'guide' && e.level === 'error')).toBe(true);

    const page = await ui.openPage('/lineup');
    const badge = page.getByTestId('unread-badge');
    await badge.waitFor();
    expect(Number(await badge.innerText())).toBe(unread.body.total);
    expect(await badge.getAttribute('aria-label')).toBe(`${unread.body.total} unread events`);

    expect((await ui.api<{ updated: number }>('POST', '/api/events/read', {})).body.updated).toBe(unread.body.total);
    // The badge's data comes from this response; once it said 0, the badge must be gone.
    const answered = page.waitForResponse((r) => /\/api\/events\?.*unread=true/.test(r.url()));
    await page.reload();
    expect(((await (await answered).json()) as EventPage).total).toBe(0);
    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Events' }).waitFor();
    await expect.poll(() => badge.count()).toBe(0);
  });
});
