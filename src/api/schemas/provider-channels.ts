import { Type, type Static } from 'typebox';
import { Nullable, Page, paging, Tier } from './common.js';

/** A provider channel across accounts, with the lineup channels it is mapped to. */
export const ProviderChannel = Type.Object({
  id: Type.Integer(),
  accountId: Type.Integer(),
  accountName: Type.String(),
  accountActive: Type.Boolean(),
  name: Type.String(),
  icon: Nullable(Type.String()),
  categoryName: Nullable(Type.String()),
  epgChannelId: Nullable(Type.String()),
  tiers: Type.Array(Tier),
  mappedTo: Type.Array(
    Type.Object({
      id: Type.Integer(),
      channelId: Type.String(),
      displayName: Type.String(),
      isPrimary: Type.Boolean(),
      isManual: Type.Boolean(),
    }),
  ),
});
export type ProviderChannel = Static<typeof ProviderChannel>;

export const ProviderChannelPage = Page(ProviderChannel);
export type ProviderChannelPage = Static<typeof ProviderChannelPage>;

export const ProviderChannelQuery = Type.Object(
  {
    ...paging(10_000),
    q: Type.Optional(Type.String({ maxLength: 200 })),
    accountId: Type.Optional(Type.Integer({ minimum: 1 })),
  },
  { additionalProperties: false },
);
export type ProviderChannelQuery = Static<typeof ProviderChannelQuery>;

export const OrphanQuery = Type.Object(paging(10_000), { additionalProperties: false });
export type OrphanQuery = Static<typeof OrphanQuery>;
