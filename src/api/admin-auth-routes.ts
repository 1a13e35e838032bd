import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { isoTime, requiredText, type Clock } from '../core/index.js';
import type { AdminAuth } from '../auth/index.js';
import { adminIdentity, clearSessionCookie, setSessionCookie } from './auth-guard.js';
import { ApiKeyList, ApiKeyInput, ChangePassword, LoginResult, NewApiKey } from './schemas/auth.js';
import { IdParams, NoContent } from './schemas/common.js';

/** The auth routes that need a session: logout, the password change and API keys (under the guard). */
export const adminAuthRoutes: FastifyPluginAsyncTypebox<{ auth: AdminAuth; clock: Clock }> = async (
  api,
  { auth, clock },
) => {
  api.post('/auth/logout', { schema: { response: { 204: NoContent } } }, async (request, reply) => {
    const sessionId = adminIdentity(request)?.sessionId;
    if (sessionId != null) auth.logout(sessionId, request.ip);
    clearSessionCookie(request, reply);
    return reply.code(204).send();
  });

  api.post(
    '/auth/password',
    { schema: { body: ChangePassword, response: { 200: LoginResult } } },
    async (request, reply) => {
      const session = await auth.changePassword(request.body, request.ip);
      setSessionCookie(request, reply, session, clock.now());
      return { token: session.token, expiresAt: isoTime(session.expiresAt) };
    },
  );

  api.get('/auth/keys', { schema: { response: { 200: ApiKeyList } } }, async () =>
    auth.listKeys().map((key) => ({ ...key, createdAt: isoTime(key.createdAt), lastUsedAt: isoTime(key.lastUsedAt) })),
  );

  api.post('/auth/keys', { schema: { body: ApiKeyInput, response: { 201: NewApiKey } } }, async (request, reply) => {
    const key = auth.createKey(requiredText(request.body.name, 'name'), request.ip);
    return reply.code(201).send({ ...key, createdAt: isoTime(key.createdAt) });
  });

  api.delete(
    '/auth/keys/:id',
    { schema: { params: IdParams, response: { 204: NoContent } } },
    async (request, reply) => {
      auth.revokeKey(request.params.id, request.ip);
      return reply.code(204).send();
    },
  );
};
