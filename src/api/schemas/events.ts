import { Type, type Static } from 'typebox';
import { Nullable, Page, paging } from './common.js';

export const EventLevel = Type.Union([
  Type.Literal('debug'),
  Type.Literal('info'),
  Type.Literal('warn'),
  Type.Literal('error'),
]);
export type EventLevel = Static<typeof EventLevel>;

/** One entry of the event log the user reads (account tests, scans, lost streams, tuner limits…). */
export const AppEvent = Type.Object({
  id: Type.Integer(),
  createdAt: Type.String(),
  level: EventLevel,
  category: Type.String(),
  message: Type.String(),
  details: Nullable(Type.Record(Type.String(), Type.Unknown())),
  isRead: Type.Boolean(),
});
export type AppEvent = Static<typeof AppEvent>;

export const EventPage = Page(AppEvent);
export type EventPage = Static<typeof EventPage>;

export const EventQuery = Type.Object(
  {
    ...paging(1000),
    category: Type.Optional(Type.String({ maxLength: 64 })),
    level: Type.Optional(EventLevel),
    unread: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type EventQuery = Static<typeof EventQuery>;

/** The events to mark read; without `ids`, all of them. */
export const MarkRead = Type.Object(
  { ids: Type.Optional(Type.Array(Type.Integer({ minimum: 1 }), { maxItems: 10_000 })) },
  { additionalProperties: false },
);
export type MarkRead = Static<typeof MarkRead>;
