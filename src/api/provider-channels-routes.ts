import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Lineup } from '../lineup/index.js';
import { IdParams } from './schemas/common.js';
import { Channel } from './schemas/channels.js';
import { OrphanQuery, ProviderChannelPage, ProviderChannelQuery } from './schemas/provider-channels.js';

/** `/api/provider-channels`: search for manual mapping, orphans and their promotion to lineup channels. */
export const providerChannelsRoutes: FastifyPluginAsyncTypebox<{ lineup: Lineup }> = async (api, { lineup }) => {
  api.get(
    '/provider-channels',
    { schema: { querystring: ProviderChannelQuery, response: { 200: ProviderChannelPage } } },
    async (request) => lineup.searchProviderChannels(request.query),
  );

  api.get(
    '/provider-channels/orphans',
    { schema: { querystring: OrphanQuery, response: { 200: ProviderChannelPage } } },
    async (request) => lineup.listOrphans(request.query),
  );

  api.post(
    '/provider-channels/:id/promote',
    { schema: { params: IdParams, response: { 201: Channel } } },
    async (request, reply) => reply.code(201).send(lineup.promote(request.params.id)),
  );
};
