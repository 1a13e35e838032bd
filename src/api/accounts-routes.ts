import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Accounts } from '../xtream/index.js';
import { IdParams, NoContent } from './schemas/common.js';
import {
  Account,
  AccountChannelPage,
  AccountChannelQuery,
  AccountCreate,
  AccountList,
  AccountPatch,
  ScanResult,
} from './schemas/accounts.js';

/** `/api/accounts`: CRUD, connection test, scan and the provider channel list. */
export const accountsRoutes: FastifyPluginAsyncTypebox<{ accounts: Accounts }> = async (api, { accounts }) => {
  api.post('/accounts', { schema: { body: AccountCreate, response: { 201: Account } } }, async (request, reply) => {
    return reply.code(201).send(accounts.create(request.body));
  });

  api.get('/accounts', { schema: { response: { 200: AccountList } } }, async () => accounts.list());

  api.get('/accounts/:id', { schema: { params: IdParams, response: { 200: Account } } }, async (request) =>
    accounts.get(request.params.id),
  );

  api.patch(
    '/accounts/:id',
    { schema: { params: IdParams, body: AccountPatch, response: { 200: Account } } },
    async (request) => accounts.update(request.params.id, request.body),
  );

  api.delete(
    '/accounts/:id',
    { schema: { params: IdParams, response: { 204: NoContent } } },
    async (request, reply) => {
      accounts.remove(request.params.id);
      return reply.code(204).send();
    },
  );

  api.post('/accounts/:id/test', { schema: { params: IdParams, response: { 200: Account } } }, async (request) =>
    accounts.test(request.params.id),
  );

  api.post('/accounts/:id/scan', { schema: { params: IdParams, response: { 200: ScanResult } } }, async (request) =>
    accounts.scan(request.params.id),
  );

  api.get(
    '/accounts/:id/channels',
    { schema: { params: IdParams, querystring: AccountChannelQuery, response: { 200: AccountChannelPage } } },
    async (request) =>
      accounts.listChannels(request.params.id, {
        limit: request.query.limit ?? 1000,
        offset: request.query.offset ?? 0,
      }),
  );
};
