import { Type } from 'typebox';

/** Shared schema pieces for the API routes. */
export const ErrorBody = Type.Object({ error: Type.String() });

export const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });

/** `?limit=&offset=` paging; `maxLimit` per resource. */
export const paging = (maxLimit: number, defaultLimit = 100) => ({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: maxLimit, default: defaultLimit })),
  offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
});

/** A paged list: `{items, total}`. */
export const Page = <T extends Parameters<typeof Type.Array>[0]>(item: T) =>
  Type.Object({ items: Type.Array(item), total: Type.Integer() });
