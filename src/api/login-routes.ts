import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { isoTime, type Clock } from '../core/index.js';
import { isLoopbackAddress, type AdminAuth } from '../auth/index.js';
import { identifyRequest, setSessionCookie } from './auth-guard.js';
import { AuthSession, LoginBody, LoginResult } from './schemas/auth.js';

/**
 * `POST /api/auth/login` and `GET /api/auth/session`: the two routes that answer without
 * credentials. A sibling of the guarded `/api` plugin (registered beside it at `/api/auth`), so
 * the guard never sees them; no prefix list decides what is open.
 */
export const loginRoutes: FastifyPluginAsyncTypebox<{ auth: AdminAuth; clock: Clock }> = async (
  api,
  { auth, clock },
) => {
  api.post('/login', { schema: { body: LoginBody, response: { 200: LoginResult } } }, async (request, reply) => {
    const session = await auth.login(request.body.password, request.ip);
    setSessionCookie(request, reply, session, clock.now());
    return { token: session.token, expiresAt: isoTime(session.expiresAt) };
  });

  api.get('/session', { schema: { response: { 200: AuthSession } } }, async (request) => {
    const identity = identifyRequest(auth, request);
    return {
      passwordSet: auth.passwordSet(),
      loopback: isLoopbackAddress(request.ip),
      authenticated: identity !== null,
      via: identity?.via ?? null,
      expiresAt: isoTime(identity?.expiresAt ?? null),
    };
  });
};
