import { Type, type Static, type TLiteral, type TUnion } from 'typebox';
import { tiers, type Tier as CoreTier } from '../../core/index.js';

// Schema pieces shared by the API resources. Like every file in schemas/, this imports TypeBox
// and core only (no Fastify, no domain), so the web UI can import the request and response
// shapes too.

/** What every error response carries; the one error handler in app.ts renders it. */
export const ErrorBody = Type.Object({ error: Type.String() });
export type ErrorBody = Static<typeof ErrorBody>;

export const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });
export type IdParams = Static<typeof IdParams>;

/** `?limit=&offset=` paging; `maxLimit` per resource. */
export const paging = (maxLimit: number, defaultLimit = 100) => ({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: maxLimit, default: defaultLimit })),
  offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
});

/** A paged list: `{items, total}`. */
export const Page = <T extends Parameters<typeof Type.Array>[0]>(item: T) =>
  Type.Object({ items: Type.Array(item), total: Type.Integer() });

/** `T | null`. */
export const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

/** A stream quality tier: one literal per entry of core's tier list, in its order (best first). */
// TypeBox derives a union's static type from a tuple of members; mapped from core's array it
// would be `never`, so the type is stated as core's Tier.
export const Tier = Type.Union(tiers.map((tier) => Type.Literal(tier))) as TUnion<[TLiteral<CoreTier>]>;
export type Tier = Static<typeof Tier>;

/** How many rows a bulk change touched. */
export const Updated = Type.Object({ updated: Type.Integer() });
export type Updated = Static<typeof Updated>;

/**
 * The empty body of a 204 answer (a delete). Typed `void` so that `reply.code(204).send()` needs
 * no payload; the schema itself is `{type: 'null'}`, which nothing is serialized against.
 */
export const NoContent = Type.Unsafe<void>(Type.Null());
