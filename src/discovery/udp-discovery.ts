import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import type { Logger } from '../core/index.js';
import type { TunerDevice } from '../tuner/index.js';
import { answerDiscoverDatagram } from './hdhr-protocol.js';
import { baseUrlFor, type AdvertisedHttp } from './local-address.js';

export interface UdpDiscoveryOptions {
  device: TunerDevice;
  log: Logger;
  /** UDP port to listen on (65001 for real clients; 0 picks one). */
  port: number;
  /** What the base URL points at; a specific listen address is also where this socket binds. */
  http: AdvertisedHttp;
  /** Whether a datagram's source may be answered (`--allow-cidr`); others are ignored. */
  isClientAllowed: (address: string) => boolean;
}

/**
 * Answers HDHomeRun discover requests on UDP 65001. Bound to 0.0.0.0 so that broadcasts reach
 * it (or to the one address the HTTP server listens on, then answering unicast only); each reply goes unicast to the sender's address and port, from this socket (port 65001),
 * with a base URL on the address the sender can reach.
 */
export class UdpDiscovery {
  private socket: Socket | undefined;

  constructor(private readonly options: UdpDiscoveryOptions) {}

  /** Binds the socket; rejects (e.g. EADDRINUSE) without leaving anything open. */
  async start(): Promise<number> {
    const socket = createSocket({ type: 'udp4' });
    socket.on('message', (message, remote) => this.answer(socket, message, remote));
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(this.options.port, this.options.http.listenAddress ?? '0.0.0.0', () => {
        socket.off('error', reject);
        resolve();
      });
    }).catch((error: unknown) => {
      socket.close();
      throw error;
    });
    socket.on('error', (error) => this.options.log.warn({ err: error }, 'HDHomeRun discovery socket error'));
    this.socket = socket;
    return socket.address().port;
  }

  private answer(socket: Socket, message: Buffer, remote: RemoteInfo): void {
    const { device, http, log } = this.options;
    if (!this.options.isClientAllowed(remote.address)) {
      log.debug({ client: remote.address }, 'HDHomeRun discovery from a client outside --allow-cidr ignored');
      return;
    }
    const description = device.describe();
    const reply = answerDiscoverDatagram(message, {
      deviceId: description.deviceIdNumber,
      tunerCount: description.tunerCount,
      baseUrl: baseUrlFor(remote.address, http),
      deviceAuth: description.deviceAuth,
    });
    if (!reply) return;
    log.debug({ client: remote.address, port: remote.port }, 'answered HDHomeRun discovery');
    socket.send(reply, remote.port, remote.address, (error) => {
      if (error) log.debug({ err: error, client: remote.address }, 'HDHomeRun discovery reply not sent');
    });
  }

  /** Closes the socket; safe to call twice. */
  async close(): Promise<void> {
    const socket = this.socket;
    this.socket = undefined;
    if (socket) await new Promise<void>((resolve) => socket.close(() => resolve()));
  }
}
