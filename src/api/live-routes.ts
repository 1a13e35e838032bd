import { PassThrough } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { TaskProgress } from '../core/index.js';
import type { EventLog } from '../events/index.js';
import type { Accounts } from '../xtream/index.js';
import type { GuideSources } from '../xmltv/index.js';
import type { Lineup } from '../lineup/index.js';
import type { Streaming } from '../streaming/index.js';
import { sessionPage } from './sessions-routes.js';
import type { LiveEventName } from './schemas/live.js';

export interface LiveRouteOptions {
  events: Pick<EventLog, 'onRecord'>;
  accounts: Pick<Accounts, 'onScanProgress'>;
  guides: Pick<GuideSources, 'onImportProgress'>;
  lineup: Pick<Lineup, 'generation' | 'onChange'>;
  streaming: Pick<Streaming, 'sessions' | 'listHubs' | 'onSessionsChange'>;
}

const pingMs = 15_000;
// While any hub is live its byte counts and rates move: the sessions view is pushed this often.
const sessionsEveryMs = 2000;
// Several changes in a burst (a hub and its first viewer) make one sessions message.
const sessionsCoalesceMs = 50;
// A client that reads nothing while this much waits for it is dropped (it reconnects, and reads anew).
const maxBufferedBytes = 1024 * 1024;

/**
 * `GET /api/live`: Server-Sent Events for the web UI. `event` (each new event-log row as
 * `GET /api/events` lists it), `progress` (account scans and guide imports), `sessions` (the body
 * of `GET /api/sessions`, on each change and every 2 s while a hub is live) and `lineup`
 * (`{generation}` on each change); `lineup` and `sessions` are also sent once on connect. A
 * `: ping` comment every 15 s keeps proxies from closing an idle stream. The app's preClose ends
 * every open stream, so shutdown never waits on one.
 */
export const liveRoutes: FastifyPluginAsyncTypebox<LiveRouteOptions> = async (api, sources) => {
  const open = new Set<PassThrough>();
  api.addHook('preClose', (done) => {
    for (const stream of [...open]) stream.end();
    done();
  });

  api.get('/live', async (request, reply) => {
    const stream = new PassThrough();
    open.add(stream);
    const send = (event: LiveEventName, data: unknown) => write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    const write = (text: string) => {
      if (stream.writableEnded || stream.destroyed) return;
      if (stream.writableLength > maxBufferedBytes) {
        request.log.info('live updates client too slow: dropped');
        stream.destroy();
        return;
      }
      stream.write(text);
    };

    let pending: NodeJS.Timeout | undefined;
    const pushSessions = () => {
      clearTimeout(pending);
      pending = undefined;
      send('sessions', sessionPage(sources.streaming));
    };
    const sessionsChanged = () => {
      pending ??= setTimeout(pushSessions, sessionsCoalesceMs);
    };
    const progress = (p: TaskProgress) => send('progress', p);
    const unsubscribe = [
      sources.events.onRecord((event) => send('event', event)),
      sources.accounts.onScanProgress(progress),
      sources.guides.onImportProgress(progress),
      sources.lineup.onChange(() => send('lineup', { generation: sources.lineup.generation })),
      sources.streaming.onSessionsChange(sessionsChanged),
    ];
    const ping = setInterval(() => write(': ping\n\n'), pingMs);
    const periodic = setInterval(() => {
      if (sources.streaming.listHubs().length > 0) pushSessions();
    }, sessionsEveryMs);
    stream.once('close', () => {
      open.delete(stream);
      clearInterval(ping);
      clearInterval(periodic);
      clearTimeout(pending);
      for (const stop of unsubscribe) stop();
    });

    write(': connected\n\n');
    send('lineup', { generation: sources.lineup.generation });
    send('sessions', sessionPage(sources.streaming));
    return reply
      .headers({
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        'x-accel-buffering': 'no',
      })
      .send(stream);
  });
};
