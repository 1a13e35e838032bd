import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** How one guide path answers. */
export interface GuideRoute {
  body?: Buffer | string;
  status?: number;
  contentType?: string;
  /** 302 to this path on the same server. */
  redirectTo?: string;
  /** Bytes per write, with `chunkDelayMs` between writes (a slow server). */
  chunkSize?: number;
  chunkDelayMs?: number;
  /** After this many body bytes: 'close' destroys the socket, 'stall' sends nothing more. */
  cutAfterBytes?: number;
  cut?: 'close' | 'stall';
}

export interface FakeGuideServer {
  url: string;
  /** Paths requested, in order (query included). */
  requests: string[];
  route(path: string, route: GuideRoute): void;
  close(): Promise<void>;
}

/** A real HTTP server on loopback serving XMLTV bodies, with redirects, slowness and cut-offs on demand. */
export async function startFakeGuideServer(): Promise<FakeGuideServer> {
  const routes = new Map<string, GuideRoute>();
  const requests: string[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    requests.push(url.pathname + url.search);
    const route = routes.get(url.pathname);
    if (!route) return void res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    if (route.redirectTo) return void res.writeHead(302, { location: route.redirectTo }).end();
    const body = Buffer.isBuffer(route.body) ? route.body : Buffer.from(route.body ?? '', 'utf8');
    res.writeHead(route.status ?? 200, {
      'content-type': route.contentType ?? 'application/xml',
      'content-length': String(body.length),
    });
    send(res, body, route);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  function send(res: ServerResponse, body: Buffer, route: GuideRoute): void {
    const limit = route.cutAfterBytes ?? body.length;
    const chunkSize = route.chunkSize ?? 64 * 1024;
    let offset = 0;
    const step = () => {
      if (res.destroyed) return;
      if (offset >= limit) {
        if (limit >= body.length) return void res.end();
        if (route.cut === 'close') res.socket?.destroy();
        return; // stall: nothing more, ever
      }
      const end = Math.min(offset + chunkSize, limit);
      res.write(body.subarray(offset, end));
      offset = end;
      if (route.chunkDelayMs) {
        const timer = setTimeout(() => {
          timers.delete(timer);
          step();
        }, route.chunkDelayMs);
        timers.add(timer);
      } else {
        setImmediate(step);
      }
    };
    step();
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    route: (path, route) => routes.set(path, route),
    async close() {
      for (const timer of timers) clearTimeout(timer);
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
