import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startApp, type TestApp } from '../support/start-app.js';
import { adminPassword, bearer, lan, login } from '../auth/auth-fixture.js';

// One route of every group the /api plugin serves.
const apiRoutes: { method: 'GET' | 'POST'; url: string }[] = [
  { method: 'GET', url: '/api/accounts' },
  { method: 'GET', url: '/api/channels' },
  { method: 'POST', url: '/api/matching/run' },
  { method: 'GET', url: '/api/provider-channels' },
  { method: 'GET', url: '/api/xmltv-sources' },
  { method: 'GET', url: '/api/xmltv-sources/schedule' },
  { method: 'GET', url: '/api/sessions' },
  { method: 'GET', url: '/api/events' },
  { method: 'GET', url: '/api/plex' },
  { method: 'GET', url: '/api/settings' },
  { method: 'GET', url: '/api/guide' },
  { method: 'GET', url: '/api/auth/keys' },
  { method: 'POST', url: '/api/auth/logout' },
];

// What Plex and Jellyfin fetch: open without credentials, from the LAN, with or without a password.
const tunerRoutes = [
  '/discover.json',
  '/lineup_status.json',
  '/lineup.json',
  '/lineup.xml',
  '/device.xml',
  '/status.json',
  '/tuners.html',
  '/playlist.m3u',
  '/lineup.m3u',
  '/epg.xml',
  '/health',
];

describe('the /api guard', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await startApp({ listen: false });
  });
  afterEach(() => t.close());

  describe('with no admin password', () => {
    it.each(apiRoutes)('answers $method $url to loopback clients only', async ({ method, url }) => {
      for (const remoteAddress of ['127.0.0.1', '127.3.4.5', '::1', '::ffff:127.0.0.1']) {
        const res = await t.app.inject({ method, url, remoteAddress });
        expect(res.statusCode, `${remoteAddress}: ${res.body}`).toBeLessThan(400);
      }
      for (const remoteAddress of [lan, '10.0.0.7', '::ffff:192.168.1.20', 'fd00::5', '8.8.8.8']) {
        const res = await t.app.inject({ method, url, remoteAddress });
        expect(res.statusCode, remoteAddress).toBe(401);
        expect(res.json()).toEqual({ error: 'set an admin password first: tunerbridge set-password' });
      }
    });

    it('says so in GET /api/auth/session', async () => {
      const local = await t.app.inject({ url: '/api/auth/session', remoteAddress: '127.0.0.1' });
      expect(local.json()).toEqual({
        passwordSet: false,
        loopback: true,
        authenticated: true,
        via: 'loopback',
        expiresAt: null,
      });
      const remote = await t.app.inject({ url: '/api/auth/session', remoteAddress: lan });
      expect(remote.json()).toEqual({
        passwordSet: false,
        loopback: false,
        authenticated: false,
        via: null,
        expiresAt: null,
      });
    });

    it('refuses a LAN login and the first password from the LAN, takes it from loopback', async () => {
      const remoteLogin = await login(t);
      expect(remoteLogin.res.statusCode).toBe(401);
      const fromLan = await t.app.inject({
        method: 'POST',
        url: '/api/auth/password',
        payload: { newPassword: adminPassword },
        remoteAddress: lan,
      });
      expect(fromLan.statusCode).toBe(401);
      expect(t.domains.auth.passwordSet()).toBe(false);

      const fromLoopback = await t.app.inject({
        method: 'POST',
        url: '/api/auth/password',
        payload: { newPassword: adminPassword },
        remoteAddress: '127.0.0.1',
      });
      expect(fromLoopback.statusCode).toBe(200);
      expect(t.domains.auth.passwordSet()).toBe(true);
      // The answer is a session: the caller stays in.
      const { token } = fromLoopback.json<{ token: string }>();
      const res = await t.app.inject({ url: '/api/accounts', headers: bearer(token), remoteAddress: lan });
      expect(res.statusCode).toBe(200);
    });
  });

  describe('with an admin password', () => {
    beforeEach(async () => {
      await t.domains.auth.setPassword(adminPassword, 'cli');
    });

    it.each(apiRoutes)('needs a session for $method $url, from loopback too', async ({ method, url }) => {
      for (const remoteAddress of ['127.0.0.1', lan]) {
        const res = await t.app.inject({ method, url, remoteAddress });
        expect(res.statusCode, remoteAddress).toBe(401);
        expect(res.json()).toEqual({ error: 'authentication required' });
        expect(res.headers['www-authenticate']).toBe('Bearer');
      }
      const { token } = await login(t);
      const res = await t.app.inject({ method, url, remoteAddress: lan, headers: bearer(token) });
      expect(res.statusCode, res.body).toBeLessThan(400);
    });

    it('says in GET /api/auth/session whether the caller is on loopback and logged in', async () => {
      const local = await t.app.inject({ url: '/api/auth/session', remoteAddress: '::1' });
      expect(local.json()).toMatchObject({ passwordSet: true, loopback: true, authenticated: false, via: null });
      const { token } = await login(t);
      const remote = await t.app.inject({ url: '/api/auth/session', remoteAddress: lan, headers: bearer(token) });
      expect(remote.json()).toMatchObject({ passwordSet: true, loopback: false, authenticated: true, via: 'bearer' });
      // With a password set, loopback no longer sets one without the current password.
      const change = await t.app.inject({
        method: 'POST',
        url: '/api/auth/password',
        payload: { newPassword: 'another-long-password' },
        remoteAddress: '127.0.0.1',
        headers: bearer(token),
      });
      expect(change.statusCode).toBe(400);
      expect(change.json()).toEqual({ error: 'currentPassword is required' });
    });

    it('refuses a wrong, malformed or foreign token', async () => {
      for (const authorization of ['Bearer tbs_nope', 'Bearer tbk_nope', 'Bearer ', 'Basic YWRtaW46eA==', 'tbs_x']) {
        const res = await t.app.inject({ url: '/api/accounts', headers: { authorization }, remoteAddress: lan });
        expect(res.statusCode, authorization).toBe(401);
      }
      const res = await t.app.inject({
        url: '/api/accounts',
        headers: { cookie: 'tunerbridge_session=tbs_forged' },
        remoteAddress: lan,
      });
      expect(res.statusCode).toBe(401);
    });

    it.each(tunerRoutes)('leaves %s open to the LAN without credentials', async (url) => {
      const res = await t.app.inject({ url, remoteAddress: lan });
      expect(res.statusCode, res.body).toBe(200);
    });

    it('leaves /stream, /auto and /logos open: an unknown channel or logo is 404, not 401', async () => {
      for (const url of ['/stream/nope.example', '/auto/v999', `/logos/${'0'.repeat(64)}.png`]) {
        const res = await t.app.inject({ url, remoteAddress: lan });
        expect(res.statusCode, url).toBe(404);
      }
    });

    it('guards unknown methods on guarded paths the same way', async () => {
      const res = await t.app.inject({ method: 'DELETE', url: '/api/accounts/1', remoteAddress: lan });
      expect(res.statusCode).toBe(401);
      expect(t.logs.join('')).not.toContain(adminPassword);
    });
  });
});
