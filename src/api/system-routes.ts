import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { CredentialStore } from '../credentials/index.js';
import { SystemInfo } from './schemas/system.js';

/** `GET /api/system`: facts about this server an admin needs, such as where secrets are kept. */
export const systemRoutes: FastifyPluginAsyncTypebox<{
  credentials: Pick<CredentialStore, 'kind' | 'storeName'>;
}> = async (api, { credentials }) => {
  api.get('/system', { schema: { response: { 200: SystemInfo } } }, async () => ({
    secretStore: credentials.kind,
    secretStoreName: credentials.storeName(),
  }));
};
