import { Type, type Static } from 'typebox';

const XtreamChannelId = Type.Integer({ minimum: 1 });

export const MappingParams = Type.Object({ id: Type.Integer({ minimum: 1 }), xtreamChannelId: XtreamChannelId });
export type MappingParams = Static<typeof MappingParams>;

/** A channel's whole mapping list, replacing the one it had. */
export const MappingsReplace = Type.Array(
  Type.Object(
    {
      xtreamChannelId: XtreamChannelId,
      isPrimary: Type.Optional(Type.Boolean()),
      priority: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000 })),
    },
    { additionalProperties: false },
  ),
  { maxItems: 1000 },
);
export type MappingsReplace = Static<typeof MappingsReplace>;

export const MappingAdd = Type.Object(
  { xtreamChannelId: XtreamChannelId, isPrimary: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);
export type MappingAdd = Static<typeof MappingAdd>;

export const PrimaryChoice = Type.Object({ xtreamChannelId: XtreamChannelId }, { additionalProperties: false });
export type PrimaryChoice = Static<typeof PrimaryChoice>;

/** What a matching run did. */
export const MatchingSummary = Type.Object({
  matched: Type.Integer(),
  unmatched: Type.Integer(),
  changed: Type.Integer(),
});
export type MatchingSummary = Static<typeof MatchingSummary>;
