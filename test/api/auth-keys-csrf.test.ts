import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startApp, type TestApp } from '../support/start-app.js';
import { adminPassword, bearer, lan, login } from '../auth/auth-fixture.js';

describe('CSRF rule for cookie-authenticated writes', () => {
  let t: TestApp;
  let cookie: string;
  let token: string;
  beforeEach(async () => {
    // The browser reached the server as tuner.lan: an --allowed-host for the admin Host rule.
    t = await startApp({ listen: false, config: { allowedHosts: ['tuner.lan'] } });
    await t.domains.auth.setPassword(adminPassword, 'cli');
    ({ cookie, token } = await login(t));
  });
  afterEach(() => t.close());

  const createChannel = (headers: Record<string, string>, payload: string) =>
    t.app.inject({ method: 'POST', url: '/api/channels', headers, payload, remoteAddress: lan });
  const channelCount = () => t.domains.lineup.list({ limit: 1000 }).total;
  const json = JSON.stringify({ displayName: 'Test One' });

  it('refuses a cookie write without a JSON content type (what a plain HTML form can send)', async () => {
    for (const type of [undefined, 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data']) {
      const headers: Record<string, string> = { cookie, host: 'tuner.lan:5004' };
      if (type) headers['content-type'] = type;
      const res = await createChannel(headers, json);
      expect(res.statusCode, String(type)).toBe(403);
      expect(res.json()).toEqual({ error: 'a JSON content type is required' });
    }
    expect(channelCount()).toBe(0);
  });

  it('refuses a cookie write from a foreign Origin or a cross-site fetch', async () => {
    const base = { cookie, host: 'tuner.lan:5004', 'content-type': 'application/json' };
    for (const origin of ['http://evil.example', 'http://tuner.lan:8080', 'http://tuner.lan', 'null', 'file://']) {
      const res = await createChannel({ ...base, origin }, json);
      expect(res.statusCode, origin).toBe(403);
      expect(res.json()).toEqual({ error: 'cross-origin request refused' });
    }
    expect((await createChannel({ ...base, 'sec-fetch-site': 'cross-site' }, json)).statusCode).toBe(403);
    expect(channelCount()).toBe(0);
  });

  it('takes a same-origin JSON cookie write, and reads without either rule', async () => {
    const base = { cookie, host: 'tuner.lan:5004' };
    const created = await createChannel(
      { ...base, 'content-type': 'application/json; charset=utf-8', origin: 'http://tuner.lan:5004' },
      json,
    );
    expect(created.statusCode, created.body).toBe(201);
    expect((await createChannel({ ...base, 'content-type': 'application/json' }, json)).statusCode).toBe(201);
    expect(channelCount()).toBe(2);
    const read = await t.app.inject({
      url: '/api/channels',
      headers: { ...base, origin: 'http://evil.example' },
      remoteAddress: lan,
    });
    expect(read.statusCode).toBe(200);
  });

  it('takes a cookie DELETE without a body untyped, refuses one with a body of another type', async () => {
    const created = await createChannel({ cookie, 'content-type': 'application/json' }, json);
    const keyRes = await t.app.inject({
      method: 'POST',
      url: '/api/auth/keys',
      headers: { cookie, 'content-type': 'application/json' },
      payload: { name: 'x' },
      remoteAddress: lan,
    });
    expect(created.statusCode).toBe(201);
    const del = (headers: Record<string, string>) =>
      t.app.inject({
        method: 'DELETE',
        url: `/api/auth/keys/${keyRes.json<{ id: number }>().id}`,
        headers,
        remoteAddress: lan,
      });
    expect((await del({ cookie, 'content-type': 'text/plain' })).statusCode).toBe(403);
    expect((await del({ cookie, origin: 'http://evil.example' })).statusCode).toBe(403);
    expect(t.domains.auth.listKeys()).toHaveLength(1);
    expect((await del({ cookie })).statusCode).toBe(204);
    expect(t.domains.auth.listKeys()).toHaveLength(0);
  });

  it('does not apply to bearer tokens (scripts send no cookie a page could ride on)', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/matching/run',
      headers: { ...bearer(token), origin: 'http://evil.example' },
      remoteAddress: lan,
    });
    expect(res.statusCode, res.body).toBe(200);
  });
});

describe('API keys', () => {
  let t: TestApp;
  let token: string;
  beforeEach(async () => {
    t = await startApp({ listen: false });
    await t.domains.auth.setPassword(adminPassword, 'cli');
    ({ token } = await login(t));
  });
  afterEach(() => t.close());

  const keysApi = (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object) =>
    t.app.inject({ method, url, headers: bearer(token), remoteAddress: lan, ...(payload ? { payload } : {}) });

  it('creates a key shown once, lists it without key material, takes it as Bearer or X-Api-Key, revokes it', async () => {
    const created = await keysApi('POST', '/api/auth/keys', { name: '  backup script ' });
    expect(created.statusCode).toBe(201);
    const key = created.json<{ id: number; name: string; key: string; createdAt: string }>();
    expect(key).toEqual({
      id: 1,
      name: 'backup script',
      key: expect.stringMatching(/^tbk_[\w-]{43}$/),
      createdAt: expect.any(String),
    });

    const listed = await keysApi('GET', '/api/auth/keys');
    expect(listed.json()).toEqual([{ id: 1, name: 'backup script', createdAt: key.createdAt, lastUsedAt: null }]);
    expect(listed.body).not.toContain(key.key.slice(4));

    for (const headers of [bearer(key.key), { 'x-api-key': key.key }]) {
      const res = await t.app.inject({ url: '/api/accounts', headers, remoteAddress: lan });
      expect(res.statusCode).toBe(200);
      const session = await t.app.inject({ url: '/api/auth/session', headers, remoteAddress: lan });
      expect(session.json()).toMatchObject({ authenticated: true, via: 'api-key', expiresAt: null });
    }
    expect(
      (await keysApi('GET', '/api/auth/keys')).json<{ lastUsedAt: string | null }[]>()[0]!.lastUsedAt,
    ).not.toBeNull();

    // Stored only as a hash.
    const db = new Database(join(t.dataDir, 'tunerbridge.db'), { readonly: true });
    const rows = JSON.stringify(db.prepare('SELECT * FROM admin_api_keys').all());
    db.close();
    expect(rows).not.toContain(key.key.slice(4));

    expect((await keysApi('DELETE', '/api/auth/keys/1')).statusCode).toBe(204);
    expect(
      (await t.app.inject({ url: '/api/accounts', headers: bearer(key.key), remoteAddress: lan })).statusCode,
    ).toBe(401);
    expect((await keysApi('DELETE', '/api/auth/keys/1')).statusCode).toBe(404);
    expect((await keysApi('GET', '/api/auth/keys')).json()).toEqual([]);

    const events = t.domains.events.list({ category: 'auth' }).items.map((e) => e.message);
    expect(events).toEqual(
      expect.arrayContaining(['API key "backup script" created', 'API key "backup script" revoked']),
    );
    expect(t.logs.join('') + JSON.stringify(t.domains.events.list({ limit: 1000 }))).not.toContain(key.key);
  });

  it('keeps keys working across a password change (sessions end, keys are revoked one by one)', async () => {
    const key = (await keysApi('POST', '/api/auth/keys', { name: 'cron' })).json<{ key: string }>().key;
    await t.domains.auth.setPassword('a brand new one', 'cli');
    expect((await t.app.inject({ url: '/api/accounts', headers: bearer(key), remoteAddress: lan })).statusCode).toBe(
      200,
    );
  });

  it('refuses an empty name or one with control characters', async () => {
    for (const name of ['', '   ', 'a\u0000b', 'line\nbreak']) {
      expect((await keysApi('POST', '/api/auth/keys', { name })).statusCode, JSON.stringify(name)).toBe(400);
    }
  });
});
