import type { FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import { AppError } from '../core/index.js';
import { noPasswordMessage, type AdminAuth, type AdminIdentity, type NewSession } from '../auth/index.js';

export const sessionCookieName = 'tunerbridge_session';

// Who each guarded request is, for the routes that act on their own session (logout).
const identities = new WeakMap<FastifyRequest, AdminIdentity>();

/** The identity the guard found for `request`; undefined outside the guarded plugin. */
export function adminIdentity(request: FastifyRequest): AdminIdentity | undefined {
  return identities.get(request);
}

/** Reads the credentials a request carries and asks `auth` who that is; null when no one. */
export function identifyRequest(auth: AdminAuth, request: FastifyRequest): AdminIdentity | null {
  const authorization = request.headers.authorization;
  const bearer = authorization ? /^Bearer\s+(\S+)\s*$/i.exec(authorization)?.[1] : undefined;
  const apiKey = request.headers['x-api-key'];
  return auth.identify({
    address: request.ip,
    bearer,
    apiKey: typeof apiKey === 'string' ? apiKey : undefined,
    cookieToken: readCookie(request.headers.cookie, sessionCookieName),
  });
}

/**
 * The `onRequest` hook at the root of the `/api` plugin: with no admin password only loopback
 * clients pass; with one, a session (cookie or bearer) or an API key is needed. Cookie-carried
 * writes must also pass the CSRF rule.
 */
export function adminGuard(auth: AdminAuth): onRequestAsyncHookHandler {
  return async (request) => {
    const identity = identifyRequest(auth, request);
    if (!identity) {
      if (!auth.passwordSet()) throw new AppError('AUTH_REQUIRED', noPasswordMessage);
      throw new AppError('AUTH_REQUIRED', 'authentication required', { headers: { 'WWW-Authenticate': 'Bearer' } });
    }
    if (identity.via === 'cookie') checkCrossSite(request);
    identities.set(request, identity);
  };
}

const writeMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Route `config` of a route that takes a raw file (a guide upload) instead of JSON. Its types
 * (application/xml, application/gzip, application/octet-stream…) are not ones an HTML form can
 * send, so a foreign page needs a CORS preflight for them just as for JSON; the Origin and
 * Sec-Fetch-Site checks apply as to every write.
 */
export const binaryUpload = { binaryUpload: true } as const;
// Content types a page can send cross-site without a preflight (the CORS-safelisted ones).
const formTypes = /^(?:application\/x-www-form-urlencoded|multipart\/form-data|text\/plain)\s*(?:;|$)/i;
// application/json, or any application/…+json, with optional parameters.
const jsonType = /^application\/(?:[\w.-]+\+)?json\s*(?:;|$)/i;

/**
 * CSRF: a browser sends the cookie with any request to this host, even one a foreign page made.
 * A foreign page can only make a JSON request through a CORS preflight (which we never answer),
 * and when it tries, the browser says so in `Origin` and `Sec-Fetch-Site`. SameSite=Strict
 * already keeps the cookie off cross-site requests; this also covers same-site ones (another
 * port or host on the LAN is "same site") and old browsers.
 */
function checkCrossSite(request: FastifyRequest): void {
  if (!writeMethods.has(request.method)) return;
  const type = request.headers['content-type'];
  // A DELETE without a body may go without a type: no page can send a DELETE elsewhere without a
  // preflight, and Fastify answers an empty body typed JSON with 400.
  const bodylessDelete = request.method === 'DELETE' && type === undefined && !hasBody(request);
  const rawUpload =
    (request.routeOptions.config as { binaryUpload?: boolean } | undefined)?.binaryUpload === true &&
    type !== undefined &&
    !formTypes.test(type);
  if (!bodylessDelete && !rawUpload && (type === undefined || !jsonType.test(type))) {
    throw new AppError('CSRF_REJECTED', 'a JSON content type is required', { details: { contentType: type } });
  }
  const origin = request.headers.origin;
  if (origin !== undefined && !sameHost(origin, request.headers.host)) {
    throw new AppError('CSRF_REJECTED', 'cross-origin request refused', { details: { origin } });
  }
  if (request.headers['sec-fetch-site'] === 'cross-site') {
    throw new AppError('CSRF_REJECTED', 'cross-origin request refused', { details: { secFetchSite: 'cross-site' } });
  }
}

function hasBody(request: FastifyRequest): boolean {
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/** True when the `Origin` header names the host and port the request was sent to (its `Host`). */
function sameHost(origin: string, host: string | undefined): boolean {
  if (!host) return false;
  try {
    const from = new URL(origin);
    if (from.protocol !== 'http:' && from.protocol !== 'https:') return false;
    const defaultPort = from.protocol === 'https:' ? '443' : '80';
    const to = new URL(`${from.protocol}//${host}`);
    return from.hostname === to.hostname && (from.port || defaultPort) === (to.port || defaultPort);
  } catch {
    return false;
  }
}

/** The value of cookie `name` in a `Cookie` header, or undefined. */
function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** Sets the session cookie: HttpOnly, SameSite=Strict, Path=/, Secure over https; it lives as long as the session can. */
export function setSessionCookie(request: FastifyRequest, reply: FastifyReply, session: NewSession, now: number): void {
  // Rounded up: a login that took a few milliseconds still hands out the whole lifetime.
  const maxAge = Math.max(0, Math.ceil((session.endsAt - now) / 1000));
  reply.header('Set-Cookie', cookie(request, `${sessionCookieName}=${session.token}`, maxAge));
}

/** Tells the browser to drop the session cookie. */
export function clearSessionCookie(request: FastifyRequest, reply: FastifyReply): void {
  reply.header('Set-Cookie', cookie(request, `${sessionCookieName}=`, 0));
}

function cookie(request: FastifyRequest, pair: string, maxAge: number): string {
  const secure = request.protocol === 'https' ? '; Secure' : '';
  return `${pair}; Path=/; Max-Age=${maxAge}; HttpOnly; SameSite=Strict${secure}`;
}
