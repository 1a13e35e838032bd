import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { adminHostCheck, type AccessPolicy } from '../access/index.js';
import type { AdminAuth } from '../auth/index.js';
import type { Metrics } from '../metrics/index.js';
import { adminGuard } from './auth-guard.js';

export interface MetricsRouteOptions {
  metrics: Pick<Metrics, 'scrape'>;
  auth: AdminAuth;
  access: Pick<AccessPolicy, 'isAllowedAdminHost'>;
}

/**
 * `GET /metrics` in the Prometheus text format, at the root where scrapers look for it but behind
 * the same Host rule and admin guard as `/api` (its own plugin, so the guard covers only it):
 * with a password set, Prometheus sends an API key as a bearer token.
 */
export const metricsRoutes: FastifyPluginAsyncTypebox<MetricsRouteOptions> = async (
  scope,
  { metrics, auth, access },
) => {
  scope.addHook('onRequest', adminHostCheck(access));
  scope.addHook('onRequest', adminGuard(auth));
  scope.get('/metrics', { schema: { response: { 200: Type.String() } } }, async (_request, reply) => {
    const { contentType, body } = await metrics.scrape();
    return reply.type(contentType).send(body);
  });
};
