import { Readable } from 'node:stream';
import { AppError } from '../core/index.js';
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
  XmltvUploadQuery,
} from './schemas/xmltv-sources.js';
import { binaryUpload } from './auth-guard.js';

/** The body types an uploaded guide may come as (gzip or not: the parser looks at the bytes). */
export const guideUploadTypes = [
  'application/xml',
  'text/xml',
  'application/gzip',
  'application/x-gzip',
  'application/octet-stream',
];

/** `/api/xmltv-sources`: guide sources, imports on demand and their progress, and the daily refresh time. */
export const xmltvSourcesRoutes: FastifyPluginAsyncTypebox<{ guides: GuideSources }> = async (api, { guides }) => {
  api.post(
    '/xmltv-sources',
    { schema: { body: XmltvSourceCreate, response: { 201: XmltvSource } } },
    async (request, reply) => reply.code(201).send(guides.create(request.body)),
  );

  api.get('/xmltv-sources', { schema: { response: { 200: XmltvSourceList } } }, async () => guides.list());

  await api.register(uploadRoute, { guides });

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

/**
 * `POST /api/xmltv-sources/upload?name=`: the raw guide file as the body, streamed to disk by the
 * domain (capped there; Fastify's body limit does not apply to a stream handed on). Its own
 * scope, so that only this route takes these content types.
 */
const uploadRoute: FastifyPluginAsyncTypebox<{ guides: GuideSources }> = async (scope, { guides }) => {
  scope.addContentTypeParser(guideUploadTypes, (_request, payload, done) => done(null, payload));
  scope.post(
    '/xmltv-sources/upload',
    {
      config: binaryUpload,
      schema: { querystring: XmltvUploadQuery, response: { 201: XmltvSource } },
    },
    async (request, reply) => {
      // Another type reached a parser of the root scope (text/plain, JSON): not a guide upload.
      if (!(request.body instanceof Readable)) {
        throw new AppError('INVALID_INPUT', 'unsupported content type', { statusCode: 415 });
      }
      const length = Number(request.headers['content-length']);
      const source = await guides.upload(
        request.query.name,
        request.body,
        Number.isFinite(length) ? length : undefined,
      );
      return reply.code(201).send(source);
    },
  );
};
