import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { isoTime } from '../core/index.js';
import type { Streaming } from '../streaming/index.js';
import { SessionPage } from './schemas/sessions.js';

/** `GET /api/sessions`: the streams holding a tuner slot right now, oldest first. */
export const sessionsRoutes: FastifyPluginAsyncTypebox<{ streaming: Pick<Streaming, 'sessions'> }> = async (
  api,
  { streaming },
) => {
  api.get('/sessions', { schema: { response: { 200: SessionPage } } }, async () => {
    const items = streaming.sessions.list().map((s) => ({ ...s, startedAt: isoTime(s.startedAt) }));
    return { items, total: items.length };
  });
};
