import { Type, type Static } from 'typebox';
import { AppEvent } from './events.js';
import { SessionPage } from './sessions.js';

// `GET /api/live` (Server-Sent Events): each message is `event: <name>` and `data: <JSON>`, the
// JSON one of the shapes below (no schema validates a stream; these are for clients).

/** Progress of an account scan (`id` = account id) or a guide import (`id` = guide source id). */
export const LiveProgress = Type.Object({
  kind: Type.Union([Type.Literal('scan'), Type.Literal('import')]),
  id: Type.Integer(),
  /** scan: fetching, storing, done, failed; import: opening, reading, committing, done, failed. */
  phase: Type.String(),
  done: Type.Optional(Type.Integer()),
  total: Type.Optional(Type.Integer()),
  percent: Type.Optional(Type.Integer()),
  finished: Type.Boolean(),
  error: Type.Optional(Type.String()),
});
export type LiveProgress = Static<typeof LiveProgress>;

export const LiveLineup = Type.Object({ generation: Type.Integer() });
export type LiveLineup = Static<typeof LiveLineup>;

/** `data` of each event name. */
export const LiveMessages = Type.Object({
  event: AppEvent,
  progress: LiveProgress,
  sessions: SessionPage,
  lineup: LiveLineup,
});
export type LiveMessages = Static<typeof LiveMessages>;
export type LiveEventName = keyof LiveMessages;
