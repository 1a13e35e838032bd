import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { isoTime } from '../core/index.js';
import type { Streaming } from '../streaming/index.js';
import { SessionPage } from './schemas/sessions.js';

/** `GET /api/sessions`: the viewers of streams right now, oldest first, and the channel hubs feeding them. */
export const sessionsRoutes: FastifyPluginAsyncTypebox<{
  streaming: Pick<Streaming, 'sessions' | 'listHubs'>;
}> = async (api, { streaming }) => {
  api.get('/sessions', { schema: { response: { 200: SessionPage } } }, async () => {
    const items = streaming.sessions.list().map((s) => ({ ...s, startedAt: isoTime(s.startedAt) }));
    const hubs = streaming.listHubs().map((hub) => ({
      ...hub,
      startedAt: isoTime(hub.startedAt),
      viewers: hub.viewers.map((v) => ({ ...v, startedAt: isoTime(v.startedAt) })),
    }));
    return { items, total: items.length, hubs };
  });
};
