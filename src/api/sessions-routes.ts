import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { isoTime } from '../core/index.js';
import type { Streaming } from '../streaming/index.js';
import { NoContent } from './schemas/common.js';
import { HubParams, SessionPage } from './schemas/sessions.js';

/**
 * `GET /api/sessions`: the viewers of streams right now, oldest first, and the channel hubs
 * feeding them. `DELETE /api/sessions/:hubId` stops one hub: its viewers, its provider connection.
 */
export const sessionsRoutes: FastifyPluginAsyncTypebox<{
  streaming: Pick<Streaming, 'sessions' | 'listHubs' | 'stopHub'>;
}> = async (api, { streaming }) => {
  api.get('/sessions', { schema: { response: { 200: SessionPage } } }, async () => sessionPage(streaming));

  api.delete(
    '/sessions/:hubId',
    { schema: { params: HubParams, response: { 204: NoContent } } },
    async (request, reply) => {
      await streaming.stopHub(request.params.hubId);
      return reply.code(204).send();
    },
  );
};

/** The body of `GET /api/sessions` (the live updates push the same). */
export function sessionPage(streaming: Pick<Streaming, 'sessions' | 'listHubs'>): SessionPage {
  const items = streaming.sessions.list().map((s) => ({ ...s, startedAt: isoTime(s.startedAt) }));
  const hubs = streaming.listHubs().map((hub) => ({
    ...hub,
    startedAt: isoTime(hub.startedAt),
    viewers: hub.viewers.map((v) => ({ ...v, startedAt: isoTime(v.startedAt) })),
  }));
  return { items, total: items.length, hubs };
}
