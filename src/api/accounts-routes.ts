import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Accounts } from '../xtream/index.js';
import { IdParams, Page, paging } from './schemas.js';

// Allow-list of what an account shows: the password and its secret are not in it, so they can never be serialized.
const Account = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  serverUrl: Type.String(),
  username: Type.String(),
  maxConnections: Type.Integer(),
  isActive: Type.Boolean(),
  status: Type.String(),
  expiresAt: Type.Union([Type.String(), Type.Null()]),
  activeConnections: Type.Union([Type.Integer(), Type.Null()]),
  lastCheckedAt: Type.Union([Type.String(), Type.Null()]),
});

const TierSchema = Type.Union([Type.Literal('4K'), Type.Literal('FHD'), Type.Literal('HD'), Type.Literal('SD'), Type.Literal('unknown')]);
const ProviderChannel = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  qualities: Type.Array(TierSchema),
  variants: Type.Array(Type.Object({ tier: TierSchema, streamId: Type.Integer(), name: Type.String() })),
  icon: Type.Union([Type.String(), Type.Null()]),
  categoryName: Type.Union([Type.String(), Type.Null()]),
  epgChannelId: Type.Union([Type.String(), Type.Null()]),
});

const ScanResultSchema = Type.Object({
  accountId: Type.Integer(),
  streams: Type.Integer(),
  channels: Type.Integer(),
  addedChannelIds: Type.Array(Type.Integer()),
  renamedChannelIds: Type.Array(Type.Integer()),
  removedChannels: Type.Array(Type.Object({ id: Type.Integer(), name: Type.String(), lineupChannelIds: Type.Array(Type.Integer()) })),
  durationMs: Type.Integer(),
});

const Name = Type.String({ minLength: 1, maxLength: 200 });
// http(s) only: the provider API and streams are fetched from it.
const ServerUrl = Type.String({ minLength: 8, maxLength: 2048, pattern: '^[Hh][Tt][Tt][Pp][Ss]?://[^\\s/]+' });
const Username = Type.String({ minLength: 1, maxLength: 512 });
const Password = Type.String({ minLength: 1, maxLength: 512 });
const MaxConnections = Type.Integer({ minimum: 1, maximum: 1000 });

const CreateBody = Type.Object(
  { name: Name, serverUrl: ServerUrl, username: Username, password: Password, maxConnections: Type.Optional(MaxConnections) },
  { additionalProperties: false },
);
const PatchBody = Type.Object(
  {
    name: Type.Optional(Name),
    serverUrl: Type.Optional(ServerUrl),
    username: Type.Optional(Username),
    password: Type.Optional(Password),
    maxConnections: Type.Optional(Type.Union([MaxConnections, Type.Null()])),
    isActive: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

/** `/api/accounts`: CRUD, connection test, scan and the provider channel list. */
export const accountsRoutes: FastifyPluginAsyncTypebox<{ accounts: Accounts }> = async (api, { accounts }) => {
  api.post('/accounts', { schema: { body: CreateBody, response: { 201: Account } } }, async (request, reply) => {
    return reply.code(201).send(accounts.create(request.body));
  });

  api.get('/accounts', { schema: { response: { 200: Type.Array(Account) } } }, async () => accounts.list());

  api.get('/accounts/:id', { schema: { params: IdParams, response: { 200: Account } } }, async (request) => accounts.get(request.params.id));

  api.patch('/accounts/:id', { schema: { params: IdParams, body: PatchBody, response: { 200: Account } } }, async (request) =>
    accounts.update(request.params.id, request.body),
  );

  api.delete('/accounts/:id', { schema: { params: IdParams } }, async (request, reply) => {
    accounts.remove(request.params.id);
    return reply.code(204).send();
  });

  api.post('/accounts/:id/test', { schema: { params: IdParams, response: { 200: Account } } }, async (request) => accounts.test(request.params.id));

  api.post('/accounts/:id/scan', { schema: { params: IdParams, response: { 200: ScanResultSchema } } }, async (request) =>
    accounts.scan(request.params.id),
  );

  api.get(
    '/accounts/:id/channels',
    {
      schema: {
        params: IdParams,
        querystring: Type.Object(paging(100_000, 1000), { additionalProperties: false }),
        response: { 200: Page(ProviderChannel) },
      },
    },
    async (request) => accounts.listChannels(request.params.id, { limit: request.query.limit ?? 1000, offset: request.query.offset ?? 0 }),
  );
};
