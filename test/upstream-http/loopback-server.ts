import { createServer, type RequestListener } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Server, type Socket } from 'node:net';

export interface LoopbackServer {
  /** `http://127.0.0.1:port` */
  url: string;
  port: number;
  /** Path of every request received, in order. */
  requests: string[];
  /** Destroys the open sockets (idle keep-alive ones too), then closes. */
  close(): Promise<void>;
}

/** A real node:http server on 127.0.0.1:0 answering with `handler`. */
export async function startLoopbackServer(handler: RequestListener): Promise<LoopbackServer> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(req.url ?? '');
    handler(req, res);
  });
  const { port, close } = await listen(server);
  return { url: `http://127.0.0.1:${port}`, port, requests, close };
}

/** A TCP server that accepts connections and never says a word: a TLS handshake with it never completes. */
export function startSilentTcpServer(): Promise<{ port: number; close(): Promise<void> }> {
  return listen(createTcpServer());
}

/** A loopback port nobody listens on: connecting to it is refused at once. */
export async function closedPort(): Promise<number> {
  const { port, close } = await listen(createTcpServer());
  await close();
  return port;
}

async function listen(server: Server): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const close = () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    });
  return { port: (server.address() as AddressInfo).port, close };
}
