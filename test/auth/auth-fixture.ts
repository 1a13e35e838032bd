import type { LightMyRequestResponse } from 'fastify';
import type { Clock } from '../../src/core/index.js';
import type { TestApp } from '../support/start-app.js';

export const adminPassword = 'c0rrect horse/battery:staple?&';
export const lan = '192.168.1.20';

/** A clock the test moves by hand. */
export function manualClock(start = Date.UTC(2026, 0, 1)): Clock & { advance(ms: number): void } {
  let now = start;
  return { now: () => now, advance: (ms) => void (now += ms) };
}

/** Logs in from `remoteAddress` (LAN by default) through the real route; the response and its session. */
export async function login(t: TestApp, password = adminPassword, remoteAddress = lan) {
  const res = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { password }, remoteAddress });
  const body = res.json<{ token?: string; expiresAt?: string }>();
  return { res, token: body.token ?? '', cookie: sessionCookieOf(res) };
}

/** The `tunerbridge_session=…` pair from a Set-Cookie header, ready for a `Cookie` header. */
export function sessionCookieOf(res: LightMyRequestResponse): string {
  const header = res.headers['set-cookie'];
  const value = Array.isArray(header) ? header[0] : header;
  return value?.split(';')[0] ?? '';
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
