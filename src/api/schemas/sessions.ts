import { Type, type Static } from 'typebox';
import { Nullable, Tier } from './common.js';

/** A viewer of a stream (each one an emulated tuner): who watches what, from which account and tier. */
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

/** One channel's shared upstream and the viewers it feeds. */
export const Hub = Type.Object({
  id: Type.String(),
  channelId: Type.String(),
  state: Type.Union([
    Type.Literal('connecting'),
    Type.Literal('streaming'),
    Type.Literal('recovering'),
    Type.Literal('lingering'),
    Type.Literal('closed'),
  ]),
  startedAt: Type.String(),
  /** The provider stream playing now (null while the first one connects). */
  candidate: Nullable(Type.Object({ accountId: Type.Integer(), streamId: Type.Integer(), tier: Tier })),
  failovers: Type.Integer(),
  reconnects: Type.Integer(),
  bytesIn: Type.Integer(),
  /** Bits per second over the last seconds: from the provider, and to all viewers together. */
  bitrateIn: Type.Integer(),
  bitrateOut: Type.Integer(),
  viewers: Type.Array(
    Type.Object({
      id: Type.String(),
      clientAddress: Type.String(),
      bytesSent: Type.Integer(),
      startedAt: Type.String(),
    }),
  ),
});
export type Hub = Static<typeof Hub>;

/** Every viewer (`items`, oldest first) and every hub with its viewers. */
export const SessionPage = Type.Object({ items: Type.Array(Session), total: Type.Integer(), hubs: Type.Array(Hub) });
export type SessionPage = Static<typeof SessionPage>;

/** `DELETE /api/sessions/:hubId`: the hub (a channel's shared stream) to stop. */
export const HubParams = Type.Object({ hubId: Type.String({ minLength: 1, maxLength: 64 }) });
export type HubParams = Static<typeof HubParams>;
