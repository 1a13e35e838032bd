import { afterEach, describe, expect, it } from 'vitest';
import { startUi, type UiFixture } from '../../support/browser.js';

/** The admin login in a real browser, once a password is set. */
describe('web UI in a browser: login and logout', () => {
  let ui: UiFixture | undefined;
  afterEach(async () => {
    await ui?.close();
    ui = undefined;
  });

  it('shows the login form, the server’s message for a wrong password, the app for the right one; logout ends it', async () => {
    ui = await startUi();
    await ui.setPassword('correct horse battery');
    const page = await ui.openPage('/lineup');
    const password = page.getByLabel('Admin password');
    await password.waitFor();
    expect(await page.getByRole('navigation', { name: 'Main navigation' }).count()).toBe(0);

    await password.fill('wrong guess');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.innerText()).toMatch(/^wrong password$/i);
    expect(await page.getByRole('navigation', { name: 'Main navigation' }).count()).toBe(0);
    expect(ui.errorResponses).toContain('401 POST /api/auth/login');
    // The server counted it: a failed login is in the event log.
    const failed = await ui.api<{ items: { message: string }[] }>('GET', '/api/events?category=auth');
    expect(failed.body.items.map((e) => e.message)).toContain('failed admin login');

    await ui.loginIfNeeded(page);
    await page.getByRole('heading', { name: 'Lineup' }).waitFor();
    expect(await page.getByLabel('Admin password').count()).toBe(0);
    const signedIn = await page.evaluate(async () => (await fetch('/api/auth/session')).json());
    expect(signedIn).toMatchObject({ passwordSet: true, authenticated: true, via: 'cookie' });

    // Logout (the UI's call: same-origin JSON POST with the cookie): the reload shows the form again.
    const status = await page.evaluate(
      async () =>
        (
          await fetch('/api/auth/logout', {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: '{}',
          })
        ).status,
    );
    expect(status).toBe(204);
    await page.reload();
    await page.getByLabel('Admin password').waitFor();
    const signedOut = await page.evaluate(async () => (await fetch('/api/auth/session')).json());
    expect(signedOut).toMatchObject({ passwordSet: true, authenticated: false });
  });

  it('with a password set, loopback is no longer admin: the browser must sign in', async () => {
    ui = await startUi();
    await ui.setPassword('correct horse battery');
    const page = await ui.openPage('/settings');
    await page.getByLabel('Admin password').waitFor();
    const events = await page.evaluate(async () => (await fetch('/api/events')).status);
    expect(events).toBe(401);
    await ui.loginIfNeeded(page);
    await page.getByRole('heading', { name: 'Settings' }).waitFor();
  });
});
