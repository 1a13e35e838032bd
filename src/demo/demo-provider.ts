import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readFileSync } from 'node:fs';
import type { AddressInfo, Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Clock } from '../core/index.js';
import { LoopRebaser } from '../mpegts/index.js';
import { demoCategories, demoCredentials, demoGuide, demoStreams } from './demo-catalog.js';

/** The running demo provider. */
export interface DemoProvider {
  /** `http://127.0.0.1:port`: the account's server URL. */
  url: string;
  close(): Promise<void>;
}

// A 1.92-second H.264 + AAC test pattern (320x180, 48 pictures at 25 fps, a keyframe every 24; the
// audio cut to end within the video, so one loop joins the next without overlap), looped with
// continuous timestamps and continuity counters (LoopRebaser): players see one endless stream.
// Made with: ffmpeg -f lavfi -i testsrc=size=320x180:rate=25:duration=1.92
//   -f lavfi -i "sine=frequency=440:sample_rate=48000,atrim=end_sample=91136" -c:v libx264
//   -profile:v high -g 24 -keyint_min 24 -b:v 160k -pix_fmt yuv420p -c:a aac -b:a 64k -ac 1 -f mpegts
// Shipped next to the compiled module by scripts/copy-assets.mjs.
const patternPath = fileURLToPath(new URL('./assets/test-pattern.mpegts', import.meta.url));
const tickMs = 100;

/**
 * A tiny Xtream Codes compatible provider inside the same process, on a loopback port: the
 * `player_api.php` actions a scan uses, its guide at `xmltv.php`, and `/live/{user}/{pass}/{id}.ts` streams of a test
 * pattern paced at its own bitrate (a real provider sends in real time, not as fast as it can).
 * Its guide and server time follow the app's clock, so a test's fixed clock finds programmes on now.
 */
export async function startDemoProvider(clock: Clock): Promise<DemoProvider> {
  const pattern = readFileSync(patternPath);
  const looper = new LoopRebaser(pattern);
  const patternSeconds = looper.duration90k / 90_000;
  const streams = demoStreams();
  const ids = new Set(streams.map((s) => s.stream_id as number));
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();

  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://demo');
    const live = /^\/(?:live\/)?([^/]+)\/([^/]+)\/(\d+)(?:\.ts)?$/.exec(url.pathname);
    if (url.pathname === '/player_api.php') return answerApi(url, response);
    // Xtream panels serve their guide here, behind the same credentials.
    if (url.pathname === '/xmltv.php') {
      if (
        url.searchParams.get('username') !== demoCredentials.username ||
        url.searchParams.get('password') !== demoCredentials.password
      ) {
        return void response.writeHead(403, { 'content-type': 'text/plain' }).end('forbidden');
      }
      return void response.writeHead(200, { 'content-type': 'application/xml' }).end(demoGuide(clock.now()));
    }
    if (
      live &&
      live[1] === demoCredentials.username &&
      live[2] === demoCredentials.password &&
      ids.has(Number(live[3]))
    ) {
      response.writeHead(200, { 'content-type': 'video/mp2t' });
      const perTick = Math.ceil(pattern.length / patternSeconds / (1000 / tickMs) / 188) * 188;
      let loop = 0;
      let current = looper.loop(loop);
      let offset = 0;
      const timer = setInterval(() => {
        const end = Math.min(offset + perTick, current.length);
        response.write(current.subarray(offset, end));
        offset = end;
        if (offset >= current.length) {
          current = looper.loop(++loop);
          offset = 0;
        }
      }, tickMs);
      timers.add(timer);
      const stop = () => {
        clearInterval(timer);
        timers.delete(timer);
      };
      response.once('close', stop);
      return;
    }
    response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  });

  function answerApi(url: URL, response: ServerResponse): void {
    const json = (body: unknown): void => {
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    if (
      url.searchParams.get('username') !== demoCredentials.username ||
      url.searchParams.get('password') !== demoCredentials.password
    ) {
      return json({ user_info: { auth: 0 } });
    }
    switch (url.searchParams.get('action')) {
      case null:
        return json({
          user_info: {
            auth: 1,
            status: 'Active',
            username: demoCredentials.username,
            exp_date: null,
            is_trial: '0',
            active_cons: '0',
            max_connections: '2',
            allowed_output_formats: ['ts'],
          },
          server_info: {
            url: '127.0.0.1',
            port: String((server.address() as AddressInfo).port),
            server_protocol: 'http',
            timezone: 'UTC',
            timestamp_now: Math.floor(clock.now() / 1000),
          },
        });
      case 'get_live_categories':
        return json(demoCategories());
      case 'get_live_streams':
        return json(streams);
      default:
        return json([]);
    }
  }

  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearInterval(timer);
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
