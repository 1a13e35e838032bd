import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppConfig } from '../core/index.js';
import type { LogoLinks } from '../logos/index.js';
import { baseUrlOf } from './base-url.js';
import { renderPlaylist } from './m3u-playlist.js';
import type { TunerDevice } from './tuner-device.js';

export interface M3uRouteOptions {
  device: Pick<TunerDevice, 'channels'>;
  config: Pick<AppConfig, 'advertiseUrl' | 'port'>;
  /** Logos as our cached copies. */
  logos?: LogoLinks;
}

const AnyQuery = Type.Object({}, { additionalProperties: true });

/** `GET /playlist.m3u` (and `/lineup.m3u`, which some HDHomeRun tools ask for): the lineup as extended M3U. */
export const m3uRoutes: FastifyPluginAsyncTypebox<M3uRouteOptions> = async (tuner, { device, config, logos }) => {
  for (const url of ['/playlist.m3u', '/lineup.m3u']) {
    tuner.get(url, { schema: { querystring: AnyQuery } }, async (request, reply) =>
      reply
        .type('audio/x-mpegurl; charset=utf-8')
        .send(renderPlaylist(device.channels(), baseUrlOf(request, config), logos)),
    );
  }
};
