import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { EventLog } from '../events/index.js';
import { Page, paging } from './schemas.js';

const Level = Type.Union([Type.Literal('debug'), Type.Literal('info'), Type.Literal('warn'), Type.Literal('error')]);
const Event = Type.Object({
  id: Type.Integer(),
  createdAt: Type.String(),
  level: Level,
  category: Type.String(),
  message: Type.String(),
  details: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
  isRead: Type.Boolean(),
});

/** `GET /api/events` (newest first, paged) and `POST /api/events/read`. */
export const eventsRoutes: FastifyPluginAsyncTypebox<{ events: EventLog }> = async (api, { events }) => {
  api.get(
    '/events',
    {
      schema: {
        querystring: Type.Object(
          { ...paging(1000), category: Type.Optional(Type.String({ maxLength: 64 })), level: Type.Optional(Level) },
          { additionalProperties: false },
        ),
        response: { 200: Page(Event) },
      },
    },
    async (request) => events.list(request.query),
  );

  api.post(
    '/events/read',
    {
      schema: {
        body: Type.Object({ ids: Type.Optional(Type.Array(Type.Integer({ minimum: 1 }), { maxItems: 10_000 })) }, { additionalProperties: false }),
        response: { 200: Type.Object({ updated: Type.Integer() }) },
      },
    },
    async (request) => ({ updated: events.markRead(request.body.ids) }),
  );
};
