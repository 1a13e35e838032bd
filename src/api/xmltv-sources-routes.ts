import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { GuideSources } from '../xmltv/index.js';
import { IdParams, NoContent } from './schemas/common.js';
import {
  GuideRefreshResult,
  RefreshSchedule,
  RefreshScheduleBody,
  XmltvSource,
  XmltvSourceCreate,
  XmltvSourceList,
  XmltvSourcePatch,
} from './schemas/xmltv-sources.js';

/** `/api/xmltv-sources`: guide sources, imports on demand and their progress, and the daily refresh time. */
export const xmltvSourcesRoutes: FastifyPluginAsyncTypebox<{ guides: GuideSources }> = async (api, { guides }) => {
  api.post(
    '/xmltv-sources',
    { schema: { body: XmltvSourceCreate, response: { 201: XmltvSource } } },
    async (request, reply) => reply.code(201).send(guides.create(request.body)),
  );

  api.get('/xmltv-sources', { schema: { response: { 200: XmltvSourceList } } }, async () => guides.list());

  // Before `/:id`, which would not take it anyway (ids are integers), but reads better.
  api.get('/xmltv-sources/schedule', { schema: { response: { 200: RefreshSchedule } } }, async () => ({
    refreshTime: guides.refreshTime(),
  }));

  api.put(
    '/xmltv-sources/schedule',
    { schema: { body: RefreshScheduleBody, response: { 200: RefreshSchedule } } },
    async (request) => ({
      refreshTime: guides.setRefreshTime(request.body.refreshTime),
    }),
  );

  api.get('/xmltv-sources/:id', { schema: { params: IdParams, response: { 200: XmltvSource } } }, async (request) =>
    guides.get(request.params.id),
  );

  api.patch(
    '/xmltv-sources/:id',
    { schema: { params: IdParams, body: XmltvSourcePatch, response: { 200: XmltvSource } } },
    async (request) => guides.update(request.params.id, request.body),
  );

  api.delete(
    '/xmltv-sources/:id',
    { schema: { params: IdParams, response: { 204: NoContent } } },
    async (request, reply) => {
      await guides.remove(request.params.id);
      return reply.code(204).send();
    },
  );

  api.post(
    '/xmltv-sources/:id/refresh',
    { schema: { params: IdParams, response: { 200: GuideRefreshResult } } },
    async (request) => guides.refresh(request.params.id),
  );
};
