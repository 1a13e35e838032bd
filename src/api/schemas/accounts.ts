import { Type, type Static } from 'typebox';
import { Nullable, Page, paging, Tier } from './common.js';

// Allow-list of what an account shows: the password and its secret are not in it, so they can never be serialized.
export const Account = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  serverUrl: Type.String(),
  username: Type.String(),
  maxConnections: Type.Integer(),
  isActive: Type.Boolean(),
  status: Type.String(),
  expiresAt: Nullable(Type.String()),
  activeConnections: Nullable(Type.Integer()),
  lastCheckedAt: Nullable(Type.String()),
});
export type Account = Static<typeof Account>;

export const AccountList = Type.Array(Account);

/** One channel of an account's scan: its tier variants under one marker-free name. */
export const AccountChannel = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  qualities: Type.Array(Tier),
  variants: Type.Array(Type.Object({ tier: Tier, streamId: Type.Integer(), name: Type.String() })),
  icon: Nullable(Type.String()),
  categoryName: Nullable(Type.String()),
  epgChannelId: Nullable(Type.String()),
});
export type AccountChannel = Static<typeof AccountChannel>;

export const AccountChannelPage = Page(AccountChannel);
export type AccountChannelPage = Static<typeof AccountChannelPage>;

export const AccountChannelQuery = Type.Object(paging(100_000, 1000), { additionalProperties: false });
export type AccountChannelQuery = Static<typeof AccountChannelQuery>;

export const ScanResult = Type.Object({
  accountId: Type.Integer(),
  streams: Type.Integer(),
  channels: Type.Integer(),
  addedChannelIds: Type.Array(Type.Integer()),
  renamedChannelIds: Type.Array(Type.Integer()),
  removedChannels: Type.Array(
    Type.Object({ id: Type.Integer(), name: Type.String(), lineupChannelIds: Type.Array(Type.Integer()) }),
  ),
  durationMs: Type.Integer(),
});
export type ScanResult = Static<typeof ScanResult>;

const Name = Type.String({ minLength: 1, maxLength: 200 });
// http(s) only: the provider API and streams are fetched from it.
const ServerUrl = Type.String({ minLength: 8, maxLength: 2048, pattern: '^[Hh][Tt][Tt][Pp][Ss]?://[^\\s/]+' });
const Username = Type.String({ minLength: 1, maxLength: 512 });
const Password = Type.String({ minLength: 1, maxLength: 512 });
const MaxConnections = Type.Integer({ minimum: 1, maximum: 1000 });

export const AccountCreate = Type.Object(
  {
    name: Name,
    serverUrl: ServerUrl,
    username: Username,
    password: Password,
    maxConnections: Type.Optional(MaxConnections),
  },
  { additionalProperties: false },
);
export type AccountCreate = Static<typeof AccountCreate>;

export const AccountPatch = Type.Object(
  {
    name: Type.Optional(Name),
    serverUrl: Type.Optional(ServerUrl),
    username: Type.Optional(Username),
    password: Type.Optional(Password),
    maxConnections: Type.Optional(Nullable(MaxConnections)),
    isActive: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type AccountPatch = Static<typeof AccountPatch>;
