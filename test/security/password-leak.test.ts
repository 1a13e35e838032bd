import { readFileSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { request } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { liveStream, startFakeProvider, type FakeProvider } from '../support/fake-xtream-provider.js';
import { startApp, type TestApp } from '../support/start-app.js';
import { startFakeGuideServer } from '../support/fake-guide-server.js';

/*
 * A password must never appear in a log line, an event, an API response or an error body —
 * not in clear, not percent-encoded (stream URLs carry it that way), not form-encoded
 * (player_api.php query strings). This drives a full account scenario through the real server
 * against the fake provider, captures everything a user or an operator could see, and searches it.
 */
const firstPassword = 'Sup3r$ecret/p@ss:w?rd#&=%+ é';
const secondPassword = 'n3w!P@ss/w0rd?#&;';

/** Every form a password could take on its way out. */
function leakForms(password: string): string[] {
  return [
    password,
    encodeURIComponent(password),
    new URLSearchParams({ p: password }).toString().slice(2),
    JSON.stringify(password).slice(1, -1),
    encodeURI(password),
  ];
}

interface Captured {
  what: string;
  text: string;
}

describe('password leak check', () => {
  let provider: FakeProvider;
  let t: TestApp;
  const captured: Captured[] = [];

  /** A real HTTP call to the listening server; status, headers and body are all captured. */
  async function call(
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    path: string,
    body?: unknown,
  ): Promise<{ status: number; json: unknown }> {
    const res = await request(`${t.url}${path}`, {
      method,
      ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    });
    const text = await res.body.text();
    captured.push({ what: `${method} ${path} → ${res.statusCode}`, text: `${JSON.stringify(res.headers)}\n${text}` });
    return { status: res.statusCode, json: text ? (JSON.parse(text) as unknown) : null };
  }

  beforeEach(async () => {
    captured.length = 0;
    provider = await startFakeProvider({
      accounts: [
        {
          username: 'leak-user',
          password: firstPassword,
          categories: [{ category_id: '1', category_name: 'UK' }],
          streams: [liveStream(1, 'UK: BBC One HD'), liveStream(2, 'UK: BBC One SD'), liveStream(3, 'UK: ITV 1')],
        },
      ],
    });
    // keyring null (startApp's default): the AES path, whose ciphertext lives in the database.
    t = await startApp({ config: { providerRequestTimeoutMs: 300 } });
  });
  afterEach(async () => {
    await t.close();
    await provider.close();
  });

  it('never shows a password in logs, events, responses or errors across a full scenario', async () => {
    // Create, test, scan, list.
    const created = await call('POST', '/api/accounts', {
      name: 'Leaky',
      serverUrl: provider.url,
      username: 'leak-user',
      password: firstPassword,
    });
    expect(created.status).toBe(201);
    const id = (created.json as { id: number }).id;
    expect((await call('POST', `/api/accounts/${id}/test`)).status).toBe(200);
    expect((await call('POST', `/api/accounts/${id}/scan`)).json).toMatchObject({ channels: 2 });
    expect((await call('GET', '/api/accounts')).status).toBe(200);
    expect((await call('GET', `/api/accounts/${id}`)).status).toBe(200);
    expect((await call('GET', `/api/accounts/${id}/channels?limit=100000`)).status).toBe(200);
    // The provider really received the password: the scenario exercised the real path.
    expect(provider.requests.filter((r) => r.password === firstPassword).length).toBeGreaterThanOrEqual(3);

    // Provider failures of every kind. One panel echoes the request (and the password) in its error page.
    provider.overrideApi('', {
      status: 500,
      body: `Fatal error in player_api.php?username=leak-user&password=${firstPassword}`,
      contentType: 'text/html',
    });
    expect((await call('POST', `/api/accounts/${id}/test`)).status).toBe(502);
    provider.overrideApi('', {
      body: `<b>Warning</b>: password=${encodeURIComponent(firstPassword)} not valid`,
      contentType: 'text/html',
    });
    expect((await call('POST', `/api/accounts/${id}/test`)).status).toBe(502);
    provider.overrideApi('get_live_streams', { body: { user_info: { auth: 0, password: firstPassword } } });
    expect((await call('POST', `/api/accounts/${id}/scan`)).status).toBe(502);
    provider.overrideApi('', { body: { user_info: { auth: 1 } }, delayMs: 2000 });
    expect((await call('POST', `/api/accounts/${id}/test`)).status).toBe(504);
    provider.overrideApi('', undefined);
    provider.overrideApi('get_live_streams', undefined);
    provider.setAccount({ username: 'leak-user', password: 'something-else' });
    expect((await call('POST', `/api/accounts/${id}/test`)).json).toEqual({
      error: 'provider rejected the credentials',
    });

    // Change the password, then point the account at a dead port.
    provider.setAccount({ username: 'leak-user', password: secondPassword });
    expect((await call('PATCH', `/api/accounts/${id}`, { password: secondPassword, name: 'Leaky 2' })).status).toBe(
      200,
    );
    expect((await call('POST', `/api/accounts/${id}/test`)).status).toBe(200);
    const dead = createServer();
    await new Promise<void>((r) => dead.listen(0, '127.0.0.1', r));
    const deadPort = (dead.address() as { port: number }).port;
    await new Promise<void>((r) => dead.close(() => r()));
    expect(
      (
        await call('PATCH', `/api/accounts/${id}`, {
          serverUrl: `http://127.0.0.1:${deadPort}`,
          password: secondPassword,
        })
      ).status,
    ).toBe(200);
    expect((await call('POST', `/api/accounts/${id}/test`)).status).toBe(502);
    expect(
      (await call('PATCH', `/api/accounts/${id}`, { serverUrl: provider.url, password: secondPassword })).status,
    ).toBe(200);

    // Validation errors echo nothing of what was sent.
    expect(
      (
        await call('POST', '/api/accounts', {
          name: 'Bad',
          serverUrl: 'ftp://x',
          username: 'u',
          password: firstPassword,
        })
      ).status,
    ).toBe(400);
    expect((await call('PATCH', `/api/accounts/${id}`, { password: secondPassword, oops: firstPassword })).status).toBe(
      400,
    );
    expect((await call('PATCH', `/api/accounts/${id}`, { password: 12345 })).status).toBe(400);

    // Guides: provider xmltv.php links carry the credentials in their query.
    const guideServer = await startFakeGuideServer();
    try {
      guideServer.route('/xmltv.php', { body: '<tv><channel id="a.uk"><display-name>A</display-name></channel></tv>' });
      const guideUrl = `${guideServer.url}/xmltv.php?username=leak-user&password=${encodeURIComponent(firstPassword)}`;
      const guide = await call('POST', '/api/xmltv-sources', { name: 'Provider guide', url: guideUrl });
      expect(guide.status).toBe(201);
      const guideId = (guide.json as { id: number }).id;
      expect((await call('POST', `/api/xmltv-sources/${guideId}/refresh`)).json).toMatchObject({ channels: 1 });
      expect(guideServer.requests).toEqual([
        `/xmltv.php?username=leak-user&password=${encodeURIComponent(firstPassword)}`,
      ]);
      guideServer.route('/xmltv.php', { status: 500, body: `error for password=${firstPassword}` });
      expect((await call('POST', `/api/xmltv-sources/${guideId}/refresh`)).status).toBe(502);
      expect((await call('GET', '/api/xmltv-sources')).status).toBe(200);
      expect((await call('PATCH', `/api/xmltv-sources/${guideId}`, { url: `${guideUrl}&x=1` })).status).toBe(200);
      expect((await call('GET', `/api/xmltv-sources/${guideId}`)).status).toBe(200);
    } finally {
      await guideServer.close();
    }

    // --- Streaming (the stream proxy extends this scenario here: tune, fail over, errors). ---

    // A tampered ciphertext: a clear error for that account, nothing else.
    const writer = new Database(join(t.dataDir, 'tunerbridge.db'));
    const { password_secret: secret } = writer.prepare('SELECT password_secret FROM accounts WHERE id = ?').get(id) as {
      password_secret: string;
    };
    const raw = Buffer.from(secret, 'base64');
    raw[13] = raw[13]! ^ 0xff;
    writer.prepare('UPDATE accounts SET password_secret = ? WHERE id = ?').run(raw.toString('base64'), id);
    writer.close();
    const tampered = await call('POST', `/api/accounts/${id}/test`);
    expect(tampered).toEqual({ status: 500, json: { error: 'account password unavailable' } });

    // Events as the API shows them, then delete.
    expect((await call('GET', '/api/events?limit=1000')).status).toBe(200);
    expect((await call('DELETE', `/api/accounts/${id}`)).status).toBe(204);

    // Every event row, straight from the database file (the API view is already captured above).
    const db = new Database(join(t.dataDir, 'tunerbridge.db'), { readonly: true });
    try {
      const rows = db.prepare('SELECT * FROM event_log').all();
      expect(rows.length).toBeGreaterThan(5);
      captured.push({ what: 'event_log rows', text: JSON.stringify(rows) });
    } finally {
      db.close();
    }
    // The database files themselves (AES ciphertext only, never plaintext).
    for (const file of readdirSync(t.dataDir).filter((f) => f.startsWith('tunerbridge.db'))) {
      captured.push({
        what: `file ${file}`,
        text:
          readFileSync(join(t.dataDir, file)).toString('latin1') + readFileSync(join(t.dataDir, file)).toString('utf8'),
      });
    }
    captured.push({ what: 'log lines', text: t.logs.join('') });
    expect(t.logs.length).toBeGreaterThan(20);
    expect(t.logs.join('')).toContain('provider request'); // the provider calls were logged — redacted

    for (const password of [firstPassword, secondPassword]) {
      for (const form of leakForms(password)) {
        for (const { what, text } of captured)
          expect(text.includes(form), `${what} contains ${JSON.stringify(form)}`).toBe(false);
      }
    }
  });
});
