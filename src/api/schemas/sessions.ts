import { Type, type Static } from 'typebox';
import { Page, Tier } from './common.js';

/** A stream holding a tuner slot: who watches what, from which account and tier. */
export const Session = Type.Object({
  id: Type.String(),
  channelId: Type.String(),
  accountId: Type.Integer(),
  streamId: Type.Integer(),
  tier: Tier,
  clientAddress: Type.String(),
  state: Type.Union([Type.Literal('connecting'), Type.Literal('streaming')]),
  startedAt: Type.String(),
  bytesSent: Type.Integer(),
});
export type Session = Static<typeof Session>;

export const SessionPage = Page(Session);
export type SessionPage = Static<typeof SessionPage>;
