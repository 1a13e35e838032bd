import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Lineup } from '../lineup/index.js';
import { IdParams } from './schemas/common.js';
import { Channel } from './schemas/channels.js';
import { MappingAdd, MappingParams, MappingsReplace, MatchingSummary, PrimaryChoice } from './schemas/matching.js';

/**
 * The matcher and the user's overrides of it: `POST /api/matching/run`, and a channel's mappings
 * (replace, add, remove, choose the primary). Every override is manual: runs never undo it.
 */
export const matchingRoutes: FastifyPluginAsyncTypebox<{ lineup: Lineup }> = async (api, { lineup }) => {
  api.post('/matching/run', { schema: { response: { 200: MatchingSummary } } }, async () =>
    lineup.runMatching('manual'),
  );

  api.put(
    '/channels/:id/mappings',
    { schema: { params: IdParams, body: MappingsReplace, response: { 200: Channel } } },
    async (request) => lineup.replaceMappings(request.params.id, request.body),
  );

  api.post(
    '/channels/:id/mappings',
    { schema: { params: IdParams, body: MappingAdd, response: { 200: Channel } } },
    async (request) => lineup.addMapping(request.params.id, request.body),
  );

  api.delete(
    '/channels/:id/mappings/:xtreamChannelId',
    { schema: { params: MappingParams, response: { 200: Channel } } },
    async (request) => lineup.removeMapping(request.params.id, request.params.xtreamChannelId),
  );

  api.post(
    '/channels/:id/primary',
    { schema: { params: IdParams, body: PrimaryChoice, response: { 200: Channel } } },
    async (request) => lineup.setPrimary(request.params.id, request.body.xtreamChannelId),
  );
};
