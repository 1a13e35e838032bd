import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Lineup } from '../lineup/index.js';
import { IdParams, Updated } from './schemas/common.js';
import {
  Channel,
  ChannelBulk,
  ChannelCreate,
  ChannelPage,
  ChannelPatch,
  ChannelQuery,
  ChannelReorder,
} from './schemas/channels.js';

/**
 * `/api/channels`: the lineup. Numbers stay unique (409) and change only by PATCH; reorder
 * changes the display order alone. Mapping overrides are in matching-routes.ts.
 */
export const channelsRoutes: FastifyPluginAsyncTypebox<{ lineup: Lineup }> = async (api, { lineup }) => {
  api.get('/channels', { schema: { querystring: ChannelQuery, response: { 200: ChannelPage } } }, async (request) =>
    lineup.list(request.query),
  );

  api.get('/channels/:id', { schema: { params: IdParams, response: { 200: Channel } } }, async (request) =>
    lineup.get(request.params.id),
  );

  api.post('/channels', { schema: { body: ChannelCreate, response: { 201: Channel } } }, async (request, reply) =>
    reply.code(201).send(lineup.createSynthetic(request.body)),
  );

  api.patch(
    '/channels/:id',
    { schema: { params: IdParams, body: ChannelPatch, response: { 200: Channel } } },
    async (request) => lineup.update(request.params.id, request.body),
  );

  api.post('/channels/bulk', { schema: { body: ChannelBulk, response: { 200: Updated } } }, async (request) =>
    lineup.setEnabled(request.body.ids, request.body.enabled),
  );

  api.post('/channels/reorder', { schema: { body: ChannelReorder, response: { 200: Updated } } }, async (request) =>
    lineup.reorder(request.body),
  );
};
