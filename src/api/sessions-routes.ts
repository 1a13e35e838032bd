import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Streaming } from '../streaming/index.js';
import { Page } from './schemas.js';

const Session = Type.Object({
  id: Type.String(),
  channelId: Type.String(),
  accountId: Type.Integer(),
  streamId: Type.Integer(),
  tier: Type.Union([Type.Literal('4K'), Type.Literal('FHD'), Type.Literal('HD'), Type.Literal('SD'), Type.Literal('unknown')]),
  clientAddress: Type.String(),
  state: Type.Union([Type.Literal('connecting'), Type.Literal('streaming')]),
  startedAt: Type.String(),
  bytesSent: Type.Integer(),
});

/** `GET /api/sessions`: the streams holding a tuner slot right now, oldest first. */
export const sessionsRoutes: FastifyPluginAsyncTypebox<{ streaming: Pick<Streaming, 'sessions'> }> = async (api, { streaming }) => {
  api.get('/sessions', { schema: { response: { 200: Page(Session) } } }, async () => {
    const items = streaming.sessions.list().map((s) => ({ ...s, startedAt: new Date(s.startedAt).toISOString() }));
    return { items, total: items.length };
  });
};
