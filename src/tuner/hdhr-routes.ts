import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { notFound, type AppConfig } from '../core/index.js';
import type { Domains } from '../app.js';
import { baseUrlOf } from './base-url.js';
import { buildDiscover, buildLineup } from './hdhr-lineup.js';
import { renderDeviceXml, renderLineupXml } from './hdhr-xml.js';
import { streamChannel } from './stream-routes.js';
import type { TunerDevice } from './tuner-device.js';

export interface HdhrRouteOptions {
  device: TunerDevice;
  domains: Pick<Domains, 'streaming'>;
  config: Pick<AppConfig, 'advertiseUrl' | 'port'>;
}

const DiscoverBody = Type.Object({
  FriendlyName: Type.String(),
  Manufacturer: Type.String(),
  ModelNumber: Type.String(),
  FirmwareName: Type.String(),
  FirmwareVersion: Type.String(),
  DeviceID: Type.String(),
  DeviceAuth: Type.String(),
  BaseURL: Type.String(),
  LineupURL: Type.String(),
  TunerCount: Type.Integer(),
});

const LineupStatus = Type.Object({
  ScanInProgress: Type.Integer(),
  ScanPossible: Type.Integer(),
  Source: Type.String(),
  SourceList: Type.Array(Type.String()),
});

const LineupEntry = Type.Object({
  GuideNumber: Type.String(),
  GuideName: Type.String(),
  URL: Type.String(),
  HD: Type.Optional(Type.Literal(1)),
});

// Clients add parameters we do not use (`?show=found`, `?tuning`, Jellyfin's `?transcode=`): a
// real device ignores them, so these queries accept anything.
const AnyQuery = Type.Object({}, { additionalProperties: true });
const xml = 'application/xml; charset=utf-8';

/**
 * The HDHomeRun HTTP API as Plex, Jellyfin and Emby use it. Every URL handed out is absolute,
 * built from the Host the client used or `--advertise-url`. Bodies are strings or serialized
 * JSON, so Fastify sends a Content-Length: Plex sets up over HTTP/1.0, which has no chunking.
 */
export const hdhrRoutes: FastifyPluginAsyncTypebox<HdhrRouteOptions> = async (tuner, { device, domains, config }) => {
  tuner.get('/discover.json', { schema: { querystring: AnyQuery, response: { 200: DiscoverBody } } }, async (request) =>
    buildDiscover(device.describe(), baseUrlOf(request, config)),
  );

  // ScanPossible must be 1: current Plex ends its scan with zero channels when it is 0.
  tuner.get('/lineup_status.json', { schema: { querystring: AnyQuery, response: { 200: LineupStatus } } }, async () => ({
    ScanInProgress: 0,
    ScanPossible: 1,
    Source: 'Cable',
    SourceList: ['Cable'],
  }));

  tuner.get('/lineup.json', { schema: { querystring: AnyQuery, response: { 200: Type.Array(LineupEntry) } } }, async (request) =>
    buildLineup(device.channels(), baseUrlOf(request, config)),
  );

  tuner.get('/lineup.xml', { schema: { querystring: AnyQuery } }, async (request, reply) =>
    reply.type(xml).send(renderLineupXml(buildLineup(device.channels(), baseUrlOf(request, config)))),
  );

  tuner.get('/device.xml', async (request, reply) => reply.type(xml).send(renderDeviceXml(device.describe(), baseUrlOf(request, config))));

  await tuner.register(lineupPostRoute);

  // Real devices tune by GuideNumber: `/auto/v5`. Same proxy as `/stream/{id}`.
  tuner.route<{ Params: { channel: string } }>({
    method: ['GET', 'HEAD'],
    url: '/auto/:channel',
    exposeHeadRoute: false,
    handler: async (request, reply) => {
      const match = /^v(\d{1,9})$/.exec(request.params.channel);
      const channel = match ? device.findChannel(Number(match[1])) : undefined;
      if (!channel) throw notFound('channel', 'CHANNEL_NOT_FOUND');
      await streamChannel(request, reply, channel.channelId, domains);
    },
  });
};

/**
 * `POST /lineup.post?scan=start|abort`: our lineup is always "scanned", so this is a no-op
 * answered 200 with an empty body, as a device does. Its own scope accepts any body and content
 * type, since clients send form-encoded or empty bodies that Fastify would otherwise refuse (415).
 */
const lineupPostRoute: FastifyPluginAsyncTypebox = async (scope) => {
  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser('*', (_request, payload, done) => {
    payload.resume();
    payload.once('end', () => done(null, undefined));
    payload.once('error', (error) => done(error, undefined));
  });
  scope.post(
    '/lineup.post',
    {
      schema: {
        querystring: Type.Object({ scan: Type.Optional(Type.Union([Type.Literal('start'), Type.Literal('abort')])) }, { additionalProperties: true }),
      },
    },
    async (_request, reply) => reply.code(200).header('content-length', '0').send(),
  );
};
