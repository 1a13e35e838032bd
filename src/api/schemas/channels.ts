import { Type, type Static } from 'typebox';
import { Nullable, Page, paging, Tier } from './common.js';

/** A provider channel a lineup channel plays; the primary is tried first. */
export const Mapping = Type.Object({
  xtreamChannelId: Type.Integer(),
  accountId: Type.Integer(),
  isPrimary: Type.Boolean(),
  priority: Type.Integer(),
  confidence: Type.Number(),
  isManual: Type.Boolean(),
  name: Type.String(),
  tier: Tier,
});
export type Mapping = Static<typeof Mapping>;

export const MatchStatus = Type.Union([Type.Literal('matched'), Type.Literal('unmatched'), Type.Literal('lost')]);
export type MatchStatus = Static<typeof MatchStatus>;

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
export type Channel = Static<typeof Channel>;

export const ChannelPage = Page(Channel);
export type ChannelPage = Static<typeof ChannelPage>;

// GuideNumbers are positive; 6 digits is far beyond any real lineup.
const ChannelNumber = Type.Integer({ minimum: 1, maximum: 999_999 });

export const ChannelQuery = Type.Object(
  {
    ...paging(10_000),
    q: Type.Optional(Type.String({ maxLength: 200 })),
    enabled: Type.Optional(Type.Boolean()),
    matched: Type.Optional(Type.Boolean()),
    status: Type.Optional(MatchStatus),
  },
  { additionalProperties: false },
);
export type ChannelQuery = Static<typeof ChannelQuery>;

/** A synthetic channel (in no guide source); without a `channelId` one is made from the name. */
export const ChannelCreate = Type.Object(
  {
    displayName: Type.String({ minLength: 1, maxLength: 200 }),
    icon: Type.Optional(Nullable(Type.String({ maxLength: 2048 }))),
    channelId: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  },
  { additionalProperties: false },
);
export type ChannelCreate = Static<typeof ChannelCreate>;

/** `enabled: null` hands the choice back to the default (enabled when it has a stream). */
export const ChannelPatch = Type.Object(
  { enabled: Type.Optional(Nullable(Type.Boolean())), number: Type.Optional(ChannelNumber) },
  { additionalProperties: false, minProperties: 1 },
);
export type ChannelPatch = Static<typeof ChannelPatch>;

export const ChannelBulk = Type.Object(
  { ids: Type.Array(Type.Integer({ minimum: 1 }), { minItems: 1, maxItems: 100_000 }), enabled: Type.Boolean() },
  { additionalProperties: false },
);
export type ChannelBulk = Static<typeof ChannelBulk>;

/** Either the whole new order, or one channel moved to an index. */
export const ChannelReorder = Type.Union([
  Type.Object(
    { ids: Type.Array(Type.Integer({ minimum: 1 }), { minItems: 1, maxItems: 100_000 }) },
    { additionalProperties: false },
  ),
  Type.Object(
    { id: Type.Integer({ minimum: 1 }), toIndex: Type.Integer({ minimum: 0 }) },
    { additionalProperties: false },
  ),
]);
export type ChannelReorder = Static<typeof ChannelReorder>;
