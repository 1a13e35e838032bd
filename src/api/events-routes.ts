import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { EventLog } from '../events/index.js';
import { Updated } from './schemas/common.js';
import { EventPage, EventQuery, MarkRead } from './schemas/events.js';

/** `GET /api/events` (newest first, paged) and `POST /api/events/read`. */
export const eventsRoutes: FastifyPluginAsyncTypebox<{ events: EventLog }> = async (api, { events }) => {
  api.get('/events', { schema: { querystring: EventQuery, response: { 200: EventPage } } }, async (request) =>
    events.list(request.query),
  );

  api.post('/events/read', { schema: { body: MarkRead, response: { 200: Updated } } }, async (request) => ({
    updated: events.markRead(request.body.ids),
  }));
};
