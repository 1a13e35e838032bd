import { createServer, type Server, type Socket } from 'node:net';
import type { Logger } from '../core/index.js';
import type { TunerActivity, TunerDevice } from '../tuner/index.js';
import { decodePacket } from './hdhr-packet.js';
import { answerControlPacket } from './hdhr-protocol.js';

export interface ControlServerOptions {
  device: TunerDevice;
  log: Logger;
  /** TCP port (65001 for real clients; 0 picks one). */
  port: number;
  /** Default 0.0.0.0: clients connect to the address discovery found us at. */
  host?: string;
  /** Whether a connecting client may be served (`--allow-cidr`); others are disconnected at once. */
  isClientAllowed: (address: string) => boolean;
  /** What each tuner is doing; all idle when absent. */
  tunerActivity?: (tuner: number) => TunerActivity;
}

// libhdhomerun packets are at most 3074 bytes; anything longer buffered is not a client of ours.
const maxBuffered = 8192;
// Clients keep the connection for a few requests; an idle one is dropped after this.
const idleTimeoutMs = 30_000;

/**
 * The HDHomeRun control protocol on TCP 65001: get requests answered from the device's
 * description, so `hdhomerun_config <id> get /sys/model` and libhdhomerun-based clients work.
 */
export class ControlServer {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();

  constructor(private readonly options: ControlServerOptions) {}

  /** Listens; rejects on EADDRINUSE without leaving anything open. */
  async start(): Promise<number> {
    const server = createServer((socket) => this.serve(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port, this.options.host ?? '0.0.0.0', () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', (error) => this.options.log.warn({ err: error }, 'HDHomeRun control server error'));
    this.server = server;
    const address = server.address();
    return typeof address === 'object' && address ? address.port : this.options.port;
  }

  private serve(socket: Socket): void {
    if (!this.options.isClientAllowed(socket.remoteAddress ?? '')) {
      this.options.log.debug({ client: socket.remoteAddress }, 'HDHomeRun control client outside --allow-cidr dropped');
      socket.destroy();
      return;
    }
    this.sockets.add(socket);
    socket.setTimeout(idleTimeoutMs, () => socket.destroy());
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    let buffered = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      for (;;) {
        const decoded = decodePacket(buffered);
        if (!decoded.ok) {
          // A stream with a broken frame cannot be re-synchronised: drop the connection.
          if (decoded.reason !== 'incomplete' || buffered.length > maxBuffered) socket.destroy();
          return;
        }
        buffered = buffered.subarray(decoded.size);
        const { device, tunerActivity } = this.options;
        const reply = answerControlPacket(decoded.packet, {
          device: device.describe(),
          ...(tunerActivity ? { tunerActivity } : {}),
        });
        if (reply) socket.write(reply);
      }
    });
  }

  /** Stops listening and drops open connections; safe to call twice. */
  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
