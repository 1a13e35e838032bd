import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { notFound, type AppConfig, type Clock } from '../core/index.js';
import type { Streaming } from '../streaming/index.js';
import { baseUrlOf } from './base-url.js';
import { buildDiscover, buildLineup } from './hdhr-lineup.js';
import { renderDeviceXml, renderLineupXml } from './hdhr-xml.js';
import { describeTuners, type TunerState } from './tuner-activity.js';
import { streamChannel, type StreamRouteOptions } from './stream-routes.js';
import type { TunerDevice } from './tuner-device.js';
import { escapeXml } from '../core/index.js';

export interface HdhrRouteOptions {
  device: TunerDevice;
  /** Plays `/auto/v{n}`; its live sessions are what the tuner status pages show. */
  streaming: StreamRouteOptions['streaming'] & Pick<Streaming, 'sessions'>;
  config: Pick<AppConfig, 'advertiseUrl' | 'port'>;
  clock: Clock;
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

const TunerStatus = Type.Object({
  Resource: Type.String(),
  VctNumber: Type.Optional(Type.String()),
  VctName: Type.Optional(Type.String()),
  TargetIP: Type.Optional(Type.String()),
  NetworkRate: Type.Optional(Type.Integer()),
  SignalStrengthPercent: Type.Optional(Type.Integer()),
  SignalQualityPercent: Type.Optional(Type.Integer()),
  SymbolQualityPercent: Type.Optional(Type.Integer()),
  // Not in a real device's answer (one target per tuner): how many clients share this tuner's stream.
  Viewers: Type.Optional(Type.Integer()),
});
const xml = 'application/xml; charset=utf-8';

/**
 * The HDHomeRun HTTP API as Plex, Jellyfin and Emby use it. Every URL handed out is absolute,
 * built from the Host the client used or `--advertise-url`. Bodies are strings or serialized
 * JSON, so Fastify sends a Content-Length: Plex sets up over HTTP/1.0, which has no chunking.
 */
export const hdhrRoutes: FastifyPluginAsyncTypebox<HdhrRouteOptions> = async (
  tuner,
  { device, streaming, config, clock },
) => {
  tuner.get(
    '/discover.json',
    { schema: { querystring: AnyQuery, response: { 200: DiscoverBody } } },
    async (request) => {
      device.recordFetch('discover', clock.now(), request.ip);
      return buildDiscover(device.describe(), baseUrlOf(request, config));
    },
  );

  // ScanPossible must be 1: current Plex ends its scan with zero channels when it is 0.
  tuner.get(
    '/lineup_status.json',
    { schema: { querystring: AnyQuery, response: { 200: LineupStatus } } },
    async () => ({
      ScanInProgress: 0,
      ScanPossible: 1,
      Source: 'Cable',
      SourceList: ['Cable'],
    }),
  );

  tuner.get(
    '/lineup.json',
    { schema: { querystring: AnyQuery, response: { 200: Type.Array(LineupEntry) } } },
    async (request) => {
      device.recordFetch('lineup', clock.now(), request.ip);
      return buildLineup(device.channels(), baseUrlOf(request, config));
    },
  );

  tuner.get('/lineup.xml', { schema: { querystring: AnyQuery } }, async (request, reply) =>
    reply.type(xml).send(renderLineupXml(buildLineup(device.channels(), baseUrlOf(request, config)))),
  );

  tuner.get('/device.xml', async (request, reply) =>
    reply.type(xml).send(renderDeviceXml(device.describe(), baseUrlOf(request, config))),
  );

  await tuner.register(lineupPostRoute);

  // Tuner status pages of real devices: Jellyfin reads `/tuners.html` line by line ("Tuner 0
  // Channel" then "none" when free); HDHomeRun apps read `/status.json`.
  const tuners = () => describeTuners(device, streaming.sessions.list(), clock.now());
  tuner.get('/status.json', { schema: { response: { 200: Type.Array(TunerStatus) } } }, async () =>
    tuners().map(toStatusJson),
  );
  tuner.get('/tuners.html', async (_request, reply) =>
    reply.type('text/html; charset=utf-8').send(renderTunersHtml(tuners())),
  );

  // Real devices tune by GuideNumber: `/auto/v5`. Same proxy as `/stream/{id}`.
  tuner.route<{ Params: { channel: string } }>({
    method: ['GET', 'HEAD'],
    url: '/auto/:channel',
    exposeHeadRoute: false,
    handler: async (request, reply) => {
      const match = /^v(\d{1,9})$/.exec(request.params.channel);
      const channel = match ? device.findChannel(Number(match[1])) : undefined;
      if (!channel) throw notFound('channel', 'CHANNEL_NOT_FOUND');
      await streamChannel(request, reply, channel.channelId, streaming);
    },
  });
};

function toStatusJson(state: TunerState) {
  const resource = `tuner${state.index}`;
  if (!state.playing) return { Resource: resource };
  const signal = state.playing.locked ? 100 : 0;
  return {
    Resource: resource,
    ...(state.playing.number === undefined ? {} : { VctNumber: String(state.playing.number) }),
    ...(state.playing.name === undefined ? {} : { VctName: state.playing.name }),
    TargetIP: state.playing.clientAddress,
    NetworkRate: state.playing.bps,
    SignalStrengthPercent: signal,
    SignalQualityPercent: signal,
    SymbolQualityPercent: signal,
    Viewers: state.playing.viewers,
  };
}

function renderTunersHtml(states: readonly TunerState[]): string {
  // One row per line: Jellyfin strips the tags of each line and splits it at "Channel".
  const rows = states.map((s) => {
    const playing = s.playing && [s.playing.number, s.playing.name].filter((v) => v !== undefined).join(' ');
    return `<tr><td>Tuner ${s.index} Channel</td><td>${playing ? escapeXml(playing) : 'none'}</td></tr>`;
  });
  return [
    '<!DOCTYPE html>',
    '<html>',
    '<head><meta charset="utf-8"><title>Tuner Status</title></head>',
    '<body>',
    '<table>',
    ...rows,
    '</table>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

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
        querystring: Type.Object(
          { scan: Type.Optional(Type.Union([Type.Literal('start'), Type.Literal('abort')])) },
          { additionalProperties: true },
        ),
      },
    },
    async (_request, reply) => reply.code(200).header('content-length', '0').send(),
  );
};
