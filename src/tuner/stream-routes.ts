import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Streaming } from '../streaming/index.js';

export interface StreamRouteOptions {
  /** Checks a channel (HEAD) and starts its session (GET). */
  streaming: Pick<Streaming, 'check' | 'start'>;
}

/** Headers of a relayed stream: raw MPEG-TS, never cached or sniffed. */
const streamHeaders = {
  'content-type': 'video/mp2t',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
};

/**
 * Plays one lineup channel (by XMLTV channel id) to this request: validate (400) → resolve (404)
 * → join the channel's hub, which takes a tuner slot (503 + 805) and connects a candidate that
 * plays (503); only then `200 video/mp2t` and the viewer's stream. Errors before the first byte
 * are thrown as AppError for the one error handler; after it the hub repairs upstream failures
 * inside the response, or ends it (the viewer logs it). Resolves when the stream has ended.
 * Shared by `/stream/:id` and the HDHomeRun `/auto/v{GuideNumber}` route.
 */
export async function streamChannel(
  request: FastifyRequest,
  reply: FastifyReply,
  channelId: string,
  streaming: StreamRouteOptions['streaming'],
): Promise<void> {
  if (request.method === 'HEAD') {
    // HEAD must not take a tuner or open a provider connection (that would count against the limit).
    streaming.check(channelId);
    await reply.code(200).headers(streamHeaders).send();
    return;
  }
  const raw = reply.raw;
  const clientGone = new AbortController();
  // Fires when the socket closes before we finished: the client zapped away or hung up.
  raw.once('close', () => {
    if (!raw.writableFinished) clientGone.abort();
  });
  const viewer = await streaming.start({ channelId, clientAddress: request.ip, signal: clientGone.signal });
  reply.hijack();
  // HTTP/1.1 clients get chunked framing (measured cheaper than raw-until-close: Node batches
  // chunks into one writev when the socket is busy); HTTP/1.0 clients such as Plex get raw TS
  // until the connection closes.
  raw.writeHead(200, streamHeaders);
  raw.flushHeaders();
  await viewer.relayTo(raw);
}

/** `GET|HEAD /stream/{xmltvChannelId}`: the stream proxy Plex and the M3U point at. */
export const streamRoutes: FastifyPluginAsync<StreamRouteOptions> = async (tuner, { streaming }) => {
  // A wildcard rather than `:id`: ids up to 200 characters (the router caps params at 100) and a
  // clear 400 for ids with a slash instead of a 404.
  tuner.route<{ Params: { '*': string } }>({
    method: ['GET', 'HEAD'],
    url: '/stream/*',
    exposeHeadRoute: false,
    handler: (request, reply) => streamChannel(request, reply, request.params['*'], streaming),
  });
};
