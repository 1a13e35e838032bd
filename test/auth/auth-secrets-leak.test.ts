import { afterEach, describe, expect, it } from 'vitest';
import { hashPassword, isLoopbackAddress, verifyPassword } from '../../src/auth/index.js';
import { startApp, type TestApp } from '../support/start-app.js';
import { bearer, lan } from './auth-fixture.js';

describe('admin secrets never leak', () => {
  let t: TestApp | undefined;
  afterEach(() => t?.close());

  it('keeps the password, tokens and keys out of every log line (trace level), event and error body', async () => {
    t = await startApp({ listen: false, logLevel: 'trace' });
    const first = 'first: Sup3r$ecret/p@ss';
    const second = 'second: n3w!P@ss/w0rd?#&';
    const bodies: string[] = [];
    const call = async (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object, headers = {}) => {
      const res = await t!.app.inject({ method, url, payload, headers, remoteAddress: lan });
      bodies.push(`${res.statusCode} ${JSON.stringify(res.headers)} ${res.body}`);
      return res;
    };
    await t.domains.auth.setPassword(first, 'cli');
    await call('POST', '/api/auth/login', { password: `${first}x` });
    const token = (await call('POST', '/api/auth/login', { password: first })).json<{ token: string }>().token;
    const auth = bearer(token);
    await call('POST', '/api/auth/password', { currentPassword: second, newPassword: second }, auth);
    await call('POST', '/api/auth/password', { currentPassword: first, newPassword: 'short' }, auth);
    const res = await call('POST', '/api/auth/password', { currentPassword: first, newPassword: second }, auth);
    const fresh = res.json<{ token: string }>().token;
    const key = (await call('POST', '/api/auth/keys', { name: 'k' }, bearer(fresh))).json<{ key: string }>().key;
    await call('GET', '/api/accounts', undefined, { 'x-api-key': key, cookie: `tunerbridge_session=${fresh}` });
    await call('DELETE', '/api/auth/keys/1', undefined, bearer(fresh));
    await call('POST', '/api/auth/login', { password: second, extra: first });

    const logs = t.logs.join('');
    expect(logs).toContain('"msg":"wrong password"');
    const events = JSON.stringify(t.domains.events.list({ limit: 1000 }));
    for (const secret of [first, second, token, fresh, key]) {
      expect(logs, secret).not.toContain(secret);
      expect(events, secret).not.toContain(secret);
    }
    // Responses carry the token they hand out, nothing else secret.
    const allBodies = bodies.join('\n');
    expect(allBodies).not.toContain(first);
    expect(allBodies).not.toContain(second);
    expect(allBodies).not.toMatch(/scrypt\$/);
  });
});

describe('isLoopbackAddress', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.255.0.9', true],
    ['::1', true],
    ['::ffff:127.0.0.1', true],
    ['0:0:0:0:0:ffff:7f00:1', true],
    ['128.0.0.1', false],
    ['192.168.1.20', false],
    ['::ffff:192.168.1.20', false],
    ['::2', false],
    ['localhost', false],
    ['', false],
  ])('%s → %s', (address, expected) => {
    expect(isLoopbackAddress(address)).toBe(expected);
  });
});

describe('password hash', () => {
  it('salts each hash, verifies the right password only, and rejects malformed or outrageous hashes', async () => {
    const a = await hashPassword('same password');
    const b = await hashPassword('same password');
    expect(a).not.toBe(b);
    expect(await verifyPassword('same password', a)).toBe(true);
    expect(await verifyPassword('same passwore', a)).toBe(false);
    const [, , , , salt, hash] = a.split('$');
    for (const bad of ['', 'plain', `scrypt$1048577$8$1$${salt}$${hash}`, `scrypt$32768$8$1$$${hash}`, `bcrypt$x`]) {
      expect(await verifyPassword('same password', bad), bad).toBe(false);
    }
  });
});
