import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Lineup } from '../lineup/index.js';
import { IdParams, Page, paging } from './schemas.js';

export const TierSchema = Type.Union([Type.Literal('4K'), Type.Literal('FHD'), Type.Literal('HD'), Type.Literal('SD'), Type.Literal('unknown')]);
/** `T | null`. */
export const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

export const Mapping = Type.Object({
  xtreamChannelId: Type.Integer(),
  accountId: Type.Integer(),
  isPrimary: Type.Boolean(),
  priority: Type.Integer(),
  confidence: Type.Number(),
  isManual: Type.Boolean(),
  name: Type.String(),
  tier: TierSchema,
});

const MatchStatus = Type.Union([Type.Literal('matched'), Type.Literal('unmatched'), Type.Literal('lost')]);

/** A lineup channel; `number` is the GuideNumber Plex sees. */
export const Channel = Type.Object({
  id: Type.Integer(),
  channelId: Type.String(),
  displayName: Type.String(),
  displayNames: Type.Array(Type.String()),
  icon: Nullable(Type.String()),
  number: Nullable(Type.Integer()),
  displayOrder: Type.Integer(),
  enabled: Type.Boolean(),
  enabledByUser: Type.Boolean(),
  isSynthetic: Type.Boolean(),
  matchStatus: MatchStatus,
  streamsLostAt: Nullable(Type.String()),
  mappings: Type.Array(Mapping),
});

// GuideNumbers are positive; 6 digits is far beyond any real lineup.
const ChannelNumber = Type.Integer({ minimum: 1, maximum: 999_999 });
const ListQuery = Type.Object(
  {
    ...paging(10_000),
    q: Type.Optional(Type.String({ maxLength: 200 })),
    enabled: Type.Optional(Type.Boolean()),
    matched: Type.Optional(Type.Boolean()),
    status: Type.Optional(MatchStatus),
  },
  { additionalProperties: false },
);
const CreateBody = Type.Object(
  {
    displayName: Type.String({ minLength: 1, maxLength: 200 }),
    icon: Type.Optional(Nullable(Type.String({ maxLength: 2048 }))),
    channelId: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  },
  { additionalProperties: false },
);
const PatchBody = Type.Object(
  { enabled: Type.Optional(Nullable(Type.Boolean())), number: Type.Optional(ChannelNumber) },
  { additionalProperties: false, minProperties: 1 },
);
const BulkBody = Type.Object(
  { ids: Type.Array(Type.Integer({ minimum: 1 }), { minItems: 1, maxItems: 100_000 }), enabled: Type.Boolean() },
  { additionalProperties: false },
);
const ReorderBody = Type.Union([
  Type.Object({ ids: Type.Array(Type.Integer({ minimum: 1 }), { minItems: 1, maxItems: 100_000 }) }, { additionalProperties: false }),
  Type.Object({ id: Type.Integer({ minimum: 1 }), toIndex: Type.Integer({ minimum: 0 }) }, { additionalProperties: false }),
]);
const Updated = Type.Object({ updated: Type.Integer() });

/**
 * `/api/channels`: the lineup. Numbers stay unique (409) and change only by PATCH; reorder
 * changes the display order alone. Mapping overrides are in matching-routes.ts.
 */
export const channelsRoutes: FastifyPluginAsyncTypebox<{ lineup: Lineup }> = async (api, { lineup }) => {
  api.get('/channels', { schema: { querystring: ListQuery, response: { 200: Page(Channel) } } }, async (request) => lineup.list(request.query));

  api.get('/channels/:id', { schema: { params: IdParams, response: { 200: Channel } } }, async (request) => lineup.get(request.params.id));

  api.post('/channels', { schema: { body: CreateBody, response: { 201: Channel } } }, async (request, reply) =>
    reply.code(201).send(lineup.createSynthetic(request.body)),
  );

  api.patch('/channels/:id', { schema: { params: IdParams, body: PatchBody, response: { 200: Channel } } }, async (request) =>
    lineup.update(request.params.id, request.body),
  );

  api.post('/channels/bulk', { schema: { body: BulkBody, response: { 200: Updated } } }, async (request) =>
    lineup.setEnabled(request.body.ids, request.body.enabled),
  );

  api.post('/channels/reorder', { schema: { body: ReorderBody, response: { 200: Updated } } }, async (request) => lineup.reorder(request.body));
};
