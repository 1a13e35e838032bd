import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startApp, type TestApp } from '../support/start-app.js';
import { makeTempDir } from '../support/temp-dir.js';
import { adminPassword, bearer, lan, login, manualClock } from './auth-fixture.js';

const day = 24 * 3600_000;

describe('admin login and sessions', () => {
  const open: TestApp[] = [];
  const temps: ReturnType<typeof makeTempDir>[] = [];
  afterEach(async () => {
    for (const t of open.splice(0)) await t.close();
    for (const temp of temps.splice(0)) temp.remove();
  });

  async function start(options: Parameters<typeof startApp>[0] = {}) {
    const t = await startApp({ listen: false, ...options });
    open.push(t);
    if (!t.domains.auth.passwordSet()) await t.domains.auth.setPassword(adminPassword, 'cli');
    return t;
  }

  const accounts = (t: TestApp, headers: Record<string, string>) =>
    t.app.inject({ url: '/api/accounts', headers, remoteAddress: lan });

  const authEvents = (t: TestApp) =>
    t.domains.events
      .list({ category: 'auth', limit: 1000 })
      .items.map((e) => ({ message: e.message, details: e.details }));

  it('logs in: a bearer token and an HttpOnly SameSite=Strict cookie, both good for the API', async () => {
    const t = await start();
    const { res, token, cookie } = await login(t);
    expect(res.statusCode).toBe(200);
    expect(Object.keys(res.json<object>()).sort()).toEqual(['expiresAt', 'token']);
    expect(token).toMatch(/^tbs_[\w-]{43}$/);
    expect(res.json<{ expiresAt: string }>().expiresAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    const setCookie = res.headers['set-cookie'] as string;
    expect(setCookie).toMatch(
      /^tunerbridge_session=tbs_[\w-]{43}; Path=\/; Max-Age=2592000; HttpOnly; SameSite=Strict$/,
    );
    expect(cookie).toBe(`tunerbridge_session=${token}`);

    expect((await accounts(t, bearer(token))).statusCode).toBe(200);
    expect((await accounts(t, { cookie: `theme=dark; ${cookie}` })).statusCode).toBe(200);
    const session = await t.app.inject({ url: '/api/auth/session', headers: { cookie }, remoteAddress: lan });
    expect(session.json()).toEqual({
      passwordSet: true,
      loopback: false,
      authenticated: true,
      via: 'cookie',
      expiresAt: res.json<{ expiresAt: string }>().expiresAt,
    });
    // Only a hash is stored.
    const db = new Database(join(t.dataDir, 'tunerbridge.db'), { readonly: true });
    const stored = JSON.stringify(db.prepare('SELECT * FROM admin_sessions').all());
    const hash = db.prepare('SELECT hash FROM admin_password').pluck().get() as string;
    db.close();
    expect(stored).not.toContain(token.slice(4));
    expect(hash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(hash).not.toContain(adminPassword);
  });

  it('leaves Secure off over plain http: the browser would never send such a cookie back', async () => {
    const t = await start();
    const { res } = await login(t);
    expect(res.headers['set-cookie']).not.toContain('Secure');
  });

  it('refuses a wrong password with 401 and an event naming the address, never the password', async () => {
    const t = await start();
    const { res } = await login(t, 'wrong password!');
    expect(res.statusCode).toBe(401);
    expect(res.json()).toEqual({ error: 'wrong password' });
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(authEvents(t)).toContainEqual({ message: 'failed admin login', details: { address: lan } });
    expect(JSON.stringify(t.domains.events.list({ limit: 1000 }))).not.toContain('wrong password!');
    expect(t.logs.join('')).not.toContain('wrong password!');
  });

  it('logs out: the token stops working and the cookie is cleared', async () => {
    const t = await start();
    const { token, cookie } = await login(t);
    const other = await login(t);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/auth/logout',
      headers: { cookie, 'content-type': 'application/json' },
      payload: {},
      remoteAddress: lan,
    });
    expect(res.statusCode).toBe(204);
    expect(res.headers['set-cookie']).toMatch(/^tunerbridge_session=; Path=\/; Max-Age=0; HttpOnly; SameSite=Strict$/);
    expect((await accounts(t, bearer(token))).statusCode).toBe(401);
    expect((await accounts(t, { cookie })).statusCode).toBe(401);
    // Only that session ended.
    expect((await accounts(t, bearer(other.token))).statusCode).toBe(200);
  });

  it('ends a session unused for 7 days, renews one in use, and ends every session after 30 days', async () => {
    const clock = manualClock();
    const t = await start({ deps: { clock } });
    const idle = await login(t);
    const busy = await login(t);
    for (let i = 0; i < 4; i++) {
      clock.advance(6 * day);
      expect((await accounts(t, bearer(busy.token))).statusCode, `day ${6 * (i + 1)}`).toBe(200);
    }
    // Day 24: the idle one is gone since day 7, the busy one lives on.
    expect((await accounts(t, bearer(idle.token))).statusCode).toBe(401);
    clock.advance(5 * day);
    expect((await accounts(t, bearer(busy.token))).statusCode).toBe(200);
    clock.advance(day);
    // Day 30: the absolute end, however busy.
    expect((await accounts(t, bearer(busy.token))).statusCode).toBe(401);
    const session = await t.app.inject({ url: '/api/auth/session', headers: bearer(busy.token), remoteAddress: lan });
    expect(session.json()).toMatchObject({ passwordSet: true, authenticated: false, via: null });
  });

  it('keeps sessions across a restart on the same data dir', async () => {
    const temp = makeTempDir();
    temps.push(temp);
    const first = await startApp({ listen: false, dataDir: temp.path });
    await first.domains.auth.setPassword(adminPassword, 'cli');
    const { token, cookie } = await login(first);
    await first.close({ keepDataDir: true });

    const second = await start({ dataDir: temp.path });
    expect((await accounts(second, bearer(token))).statusCode).toBe(200);
    expect((await accounts(second, { cookie })).statusCode).toBe(200);
    expect((await login(second)).res.statusCode).toBe(200);
  });

  it('changes the password only with the current one, ending every session but the caller’s new one', async () => {
    const t = await start();
    const mine = await login(t);
    const other = await login(t);
    const change = (payload: Record<string, unknown>) =>
      t.app.inject({
        method: 'POST',
        url: '/api/auth/password',
        headers: bearer(mine.token),
        payload,
        remoteAddress: lan,
      });
    const newPassword = 'an0ther:secret/phrase';

    expect((await change({ newPassword })).statusCode).toBe(400);
    expect((await change({ currentPassword: 'not it at all', newPassword })).statusCode).toBe(401);
    const short = await change({ currentPassword: adminPassword, newPassword: 'short' });
    expect(short.statusCode).toBe(400);
    expect(short.json()).toEqual({ error: 'the admin password needs at least 8 characters' });

    const res = await change({ currentPassword: adminPassword, newPassword });
    expect(res.statusCode).toBe(200);
    const fresh = res.json<{ token: string }>().token;
    expect(res.headers['set-cookie']).toContain(`tunerbridge_session=${fresh};`);
    expect((await accounts(t, bearer(mine.token))).statusCode).toBe(401);
    expect((await accounts(t, bearer(other.token))).statusCode).toBe(401);
    expect((await accounts(t, bearer(fresh))).statusCode).toBe(200);
    expect((await login(t)).res.statusCode).toBe(401);
    expect((await login(t, newPassword)).res.statusCode).toBe(200);
    expect(authEvents(t)).toContainEqual({
      message: 'admin password set (through the API); 2 sessions ended',
      details: { source: 'api', endedSessions: 2, address: lan },
    });
    const everything = t.logs.join('') + JSON.stringify(t.domains.events.list({ limit: 1000 }));
    expect(everything).not.toContain(newPassword);
    expect(everything).not.toContain(adminPassword);
  });

  it('ends every session when the password is set outside the API (CLI, environment)', async () => {
    const t = await start();
    const { token } = await login(t);
    await t.domains.auth.setPassword('set on the machine', 'cli');
    expect((await accounts(t, bearer(token))).statusCode).toBe(401);
  });

  it('applies the start-up password only when it differs from the stored one', async () => {
    const t = await start();
    const { token } = await login(t);
    expect(await t.domains.auth.applyStartupPassword(adminPassword)).toBe('unchanged');
    expect((await accounts(t, bearer(token))).statusCode).toBe(200);
    expect(await t.domains.auth.applyStartupPassword('from the environment')).toBe('set');
    expect((await accounts(t, bearer(token))).statusCode).toBe(401);
    expect((await login(t, 'from the environment')).res.statusCode).toBe(200);
  });

  it('limits failed logins to 5 a minute per address: 429 with Retry-After, even for the right password', async () => {
    const clock = manualClock();
    const t = await start({ deps: { clock } });
    for (let i = 0; i < 5; i++) {
      expect((await login(t, `guess number ${i}`)).res.statusCode).toBe(401);
      clock.advance(1000);
    }
    const limited = await login(t, 'guess number 5');
    expect(limited.res.statusCode).toBe(429);
    expect(limited.res.headers['retry-after']).toBe('55');
    expect(limited.res.json()).toEqual({ error: 'too many failed logins; try again later' });
    expect((await login(t)).res.statusCode).toBe(429);
    // Another address is not held back.
    expect((await login(t, adminPassword, '192.168.1.21')).res.statusCode).toBe(200);
    // Each failure is an event (the refused attempts checked nothing and are not).
    const failures = authEvents(t).filter((e) => e.message.startsWith('failed admin login'));
    expect(failures).toHaveLength(5);
    expect(failures.every((e) => JSON.stringify(e.details) === JSON.stringify({ address: lan }))).toBe(true);
    expect(failures.map((e) => e.message)).toContain('failed admin login; further attempts refused for a while');

    clock.advance(55_000);
    expect((await login(t)).res.statusCode).toBe(200);
    expect(JSON.stringify(t.domains.events.list({ limit: 1000 })) + t.logs.join('')).not.toMatch(/guess number/);
  });

  it('counts parallel guesses: a burst gets no more than 5 checked', async () => {
    const t = await start();
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => login(t, `parallel guess ${i}`)));
    const statuses = results.map((r) => r.res.statusCode);
    expect(statuses.filter((s) => s === 401)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(7);
  });

  it('counts wrong current passwords on a password change as failed logins', async () => {
    const t = await start();
    const { token } = await login(t);
    for (let i = 0; i < 6; i++) {
      await t.app.inject({
        method: 'POST',
        url: '/api/auth/password',
        headers: bearer(token),
        payload: { currentPassword: `wrong ${i} attempt`, newPassword: 'whatever it is' },
        remoteAddress: lan,
      });
    }
    expect((await login(t)).res.statusCode).toBe(429);
  });
});
