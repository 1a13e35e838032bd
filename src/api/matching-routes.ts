import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Lineup } from '../lineup/index.js';
import { Channel } from './channels-routes.js';
import { IdParams } from './schemas.js';

const XtreamChannelId = Type.Integer({ minimum: 1 });
const MappingParams = Type.Object({ id: Type.Integer({ minimum: 1 }), xtreamChannelId: XtreamChannelId });
const ReplaceBody = Type.Array(
  Type.Object(
    { xtreamChannelId: XtreamChannelId, isPrimary: Type.Optional(Type.Boolean()), priority: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000 })) },
    { additionalProperties: false },
  ),
  { maxItems: 1000 },
);
const AddBody = Type.Object({ xtreamChannelId: XtreamChannelId, isPrimary: Type.Optional(Type.Boolean()) }, { additionalProperties: false });
const PrimaryBody = Type.Object({ xtreamChannelId: XtreamChannelId }, { additionalProperties: false });
const Summary = Type.Object({ matched: Type.Integer(), unmatched: Type.Integer(), changed: Type.Integer() });

/**
 * The matcher and the user's overrides of it: `POST /api/matching/run`, and a channel's mappings
 * (replace, add, remove, choose the primary). Every override is manual: runs never undo it.
 */
export const matchingRoutes: FastifyPluginAsyncTypebox<{ lineup: Lineup }> = async (api, { lineup }) => {
  api.post('/matching/run', { schema: { response: { 200: Summary } } }, async () => lineup.runMatching('manual'));

  api.put('/channels/:id/mappings', { schema: { params: IdParams, body: ReplaceBody, response: { 200: Channel } } }, async (request) =>
    lineup.replaceMappings(request.params.id, request.body),
  );

  api.post('/channels/:id/mappings', { schema: { params: IdParams, body: AddBody, response: { 200: Channel } } }, async (request) =>
    lineup.addMapping(request.params.id, request.body),
  );

  api.delete('/channels/:id/mappings/:xtreamChannelId', { schema: { params: MappingParams, response: { 200: Channel } } }, async (request) =>
    lineup.removeMapping(request.params.id, request.params.xtreamChannelId),
  );

  api.post('/channels/:id/primary', { schema: { params: IdParams, body: PrimaryBody, response: { 200: Channel } } }, async (request) =>
    lineup.setPrimary(request.params.id, request.body.xtreamChannelId),
  );
};
