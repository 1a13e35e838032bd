import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { GuideSources } from '../xmltv/index.js';
import { Nullable } from './channels-routes.js';
import { IdParams } from './schemas.js';

// Allow-list: the stored URL is shown with its credentials masked (provider guide links carry them).
const Source = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  url: Type.String(),
  accountId: Nullable(Type.Integer()),
  enabled: Type.Boolean(),
  lastRefreshAt: Nullable(Type.String()),
  lastAttemptAt: Nullable(Type.String()),
  lastError: Nullable(Type.String()),
  lastDurationMs: Nullable(Type.Integer()),
  channels: Type.Integer(),
  programmes: Type.Integer(),
  refresh: Nullable(Type.Object({ startedAt: Type.String(), bytesRead: Type.Integer(), programmes: Type.Integer() })),
});

const Name = Type.String({ minLength: 1, maxLength: 200 });
// http(s) URL, file:// URL or an absolute path; checked again by the domain.
const Location = Type.String({ minLength: 1, maxLength: 4096 });
const AccountId = Type.Integer({ minimum: 1 });
// Either `url` or `accountId` (that account's own xmltv.php); the domain insists on exactly one.
const CreateBody = Type.Object(
  { name: Name, url: Type.Optional(Location), accountId: Type.Optional(AccountId), enabled: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);
const PatchBody = Type.Object(
  { name: Type.Optional(Name), url: Type.Optional(Location), accountId: Type.Optional(AccountId), enabled: Type.Optional(Type.Boolean()) },
  { additionalProperties: false, minProperties: 1 },
);
const RefreshResult = Type.Object({ channels: Type.Integer(), programmes: Type.Integer(), durationMs: Type.Integer() });
const Schedule = Type.Object({ refreshTime: Type.String() });
const ScheduleBody = Type.Object({ refreshTime: Type.String({ minLength: 3, maxLength: 5 }) }, { additionalProperties: false });

/** `/api/xmltv-sources`: guide sources, imports on demand and their progress, and the daily refresh time. */
export const xmltvSourcesRoutes: FastifyPluginAsyncTypebox<{ guides: GuideSources }> = async (api, { guides }) => {
  api.post('/xmltv-sources', { schema: { body: CreateBody, response: { 201: Source } } }, async (request, reply) =>
    reply.code(201).send(guides.create(request.body)),
  );

  api.get('/xmltv-sources', { schema: { response: { 200: Type.Array(Source) } } }, async () => guides.list());

  // Before `/:id`, which would not take it anyway (ids are integers), but reads better.
  api.get('/xmltv-sources/schedule', { schema: { response: { 200: Schedule } } }, async () => ({ refreshTime: guides.refreshTime() }));

  api.put('/xmltv-sources/schedule', { schema: { body: ScheduleBody, response: { 200: Schedule } } }, async (request) => ({
    refreshTime: guides.setRefreshTime(request.body.refreshTime),
  }));

  api.get('/xmltv-sources/:id', { schema: { params: IdParams, response: { 200: Source } } }, async (request) => guides.get(request.params.id));

  api.patch('/xmltv-sources/:id', { schema: { params: IdParams, body: PatchBody, response: { 200: Source } } }, async (request) =>
    guides.update(request.params.id, request.body),
  );

  api.delete('/xmltv-sources/:id', { schema: { params: IdParams } }, async (request, reply) => {
    await guides.remove(request.params.id);
    return reply.code(204).send();
  });

  api.post('/xmltv-sources/:id/refresh', { schema: { params: IdParams, response: { 200: RefreshResult } } }, async (request) =>
    guides.refresh(request.params.id),
  );
};
