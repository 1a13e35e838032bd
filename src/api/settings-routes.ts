import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { RuntimeSettings } from '../core/index.js';
import { Settings, SettingsPatch } from './schemas/settings.js';

/** `GET /api/settings` and `PATCH /api/settings`: the runtime settings, saved and applied at once. */
export const settingsRoutes: FastifyPluginAsyncTypebox<{ settings: RuntimeSettings }> = async (api, { settings }) => {
  api.get('/settings', { schema: { response: { 200: Settings } } }, async () => settings.describe());

  api.patch('/settings', { schema: { body: SettingsPatch, response: { 200: Settings } } }, async (request) =>
    settings.update(request.body),
  );
};
