import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Lineup } from '../lineup/index.js';
import { Channel, Nullable, TierSchema } from './channels-routes.js';
import { IdParams, Page, paging } from './schemas.js';


const ProviderChannel = Type.Object({
  id: Type.Integer(),
  accountId: Type.Integer(),
  accountName: Type.String(),
  accountActive: Type.Boolean(),
  name: Type.String(),
  icon: Nullable(Type.String()),
  categoryName: Nullable(Type.String()),
  epgChannelId: Nullable(Type.String()),
  tiers: Type.Array(TierSchema),
  mappedTo: Type.Array(
    Type.Object({ id: Type.Integer(), channelId: Type.String(), displayName: Type.String(), isPrimary: Type.Boolean(), isManual: Type.Boolean() }),
  ),
});

const SearchQuery = Type.Object(
  { ...paging(10_000), q: Type.Optional(Type.String({ maxLength: 200 })), accountId: Type.Optional(Type.Integer({ minimum: 1 })) },
  { additionalProperties: false },
);
const PageQuery = Type.Object(paging(10_000), { additionalProperties: false });

/** `/api/provider-channels`: search for manual mapping, orphans and their promotion to lineup channels. */
export const providerChannelsRoutes: FastifyPluginAsyncTypebox<{ lineup: Lineup }> = async (api, { lineup }) => {
  api.get('/provider-channels', { schema: { querystring: SearchQuery, response: { 200: Page(ProviderChannel) } } }, async (request) =>
    lineup.searchProviderChannels(request.query),
  );

  api.get('/provider-channels/orphans', { schema: { querystring: PageQuery, response: { 200: Page(ProviderChannel) } } }, async (request) =>
    lineup.listOrphans(request.query),
  );

  api.post('/provider-channels/:id/promote', { schema: { params: IdParams, response: { 201: Channel } } }, async (request, reply) =>
    reply.code(201).send(lineup.promote(request.params.id)),
  );
};
