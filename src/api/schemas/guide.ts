import { Type, type Static } from 'typebox';
import { Nullable } from './common.js';

/** `?from=&to=` (ISO 8601 times); default 2 h ago to 24 h on; at most 48 h. */
export const GuideWindowQuery = Type.Object(
  {
    from: Type.Optional(Type.String({ minLength: 10, maxLength: 40 })),
    to: Type.Optional(Type.String({ minLength: 10, maxLength: 40 })),
  },
  { additionalProperties: false },
);
export type GuideWindowQuery = Static<typeof GuideWindowQuery>;

export const GuideQuery = Type.Object(
  {
    from: Type.Optional(Type.String({ minLength: 10, maxLength: 40 })),
    to: Type.Optional(Type.String({ minLength: 10, maxLength: 40 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
  },
  { additionalProperties: false },
);
export type GuideQuery = Static<typeof GuideQuery>;

export const GuideProgrammeItem = Type.Object({
  start: Type.String(),
  stop: Type.String(),
  title: Type.String(),
  subtitle: Type.Optional(Type.String()),
  description: Type.Optional(Type.String()),
  category: Type.Optional(Type.String()),
});
export type GuideProgrammeItem = Static<typeof GuideProgrammeItem>;

export const GuideChannel = Type.Object({
  id: Type.Integer(),
  channelId: Type.String(),
  displayName: Type.String(),
  number: Nullable(Type.Integer()),
  icon: Nullable(Type.String()),
  programmes: Type.Array(GuideProgrammeItem),
});
export type GuideChannel = Static<typeof GuideChannel>;

/** `GET /api/channels/:id/programmes`: one channel and its programmes in the window. */
export const ChannelProgrammes = Type.Object({ from: Type.String(), to: Type.String(), channel: GuideChannel });
export type ChannelProgrammes = Static<typeof ChannelProgrammes>;

/** `GET /api/guide`: a page of the enabled lineup channels (lineup order) with their programmes. */
export const GuidePage = Type.Object({
  from: Type.String(),
  to: Type.String(),
  total: Type.Integer(),
  channels: Type.Array(GuideChannel),
});
export type GuidePage = Static<typeof GuidePage>;
