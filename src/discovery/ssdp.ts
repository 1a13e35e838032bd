import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import type { Clock, Logger } from '../core/index.js';
import type { TunerDevice } from '../tuner/index.js';
import { baseUrlFor, lanAddress, lanAddresses, type AdvertisedHttp } from './local-address.js';

export const ssdpMulticastAddress = '239.255.255.250';
const maxAge = 1800;
// Re-announce well inside max-age, so control points never see us expire.
const defaultNotifyIntervalMs = 15 * 60_000;
const mediaServerType = 'urn:schemas-upnp-org:device:MediaServer:1';
// What HDHomeRun-aware clients search for in addition to the UPnP types.
const hdhomerunType = 'urn:schemas-upnp-org:device:HDHomeRun:1';
const server = 'Linux/6 UPnP/1.0 Tunerbridge/0.1';

export interface SsdpOptions {
  device: TunerDevice;
  log: Logger;
  clock: Clock;
  /** 1900 for real clients; 0 picks one (tests). */
  port: number;
  http: AdvertisedHttp;
  /** Whether a search's source may be answered (`--allow-cidr`); others are ignored. */
  isClientAllowed: (address: string) => boolean;
  /** Where NOTIFY goes: the SSDP multicast group, or a test's socket. */
  notifyTarget?: { address: string; port: number };
  notifyIntervalMs?: number;
}

/** Parses an SSDP request (`M-SEARCH * HTTP/1.1` + headers) into its method and upper-cased headers. */
export function parseSsdpMessage(text: string): { method: string; headers: Map<string, string> } | undefined {
  const lines = text.split(/\r?\n/);
  const method = /^([A-Z-]+) \* HTTP\/1\.[01]$/.exec(lines[0]?.trim() ?? '')?.[1];
  if (!method) return undefined;
  const headers = new Map<string, string>();
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toUpperCase(), line.slice(colon + 1).trim());
  }
  return { method, headers };
}

/**
 * SSDP on UDP 1900: answers M-SEARCH for ssdp:all, upnp:rootdevice, MediaServer:1, the HDHomeRun
 * type and our uuid, and announces itself with NOTIFY alive (periodically) and byebye (on close).
 * Joining the multicast group can fail (containers, sandboxes): then it still answers unicast
 * searches and logs a warning.
 */
export class SsdpResponder {
  private socket: Socket | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly pending = new Set<NodeJS.Timeout>();

  constructor(private readonly options: SsdpOptions) {}

  /** The notification types we announce, each with its USN. */
  private targets(): { nt: string; usn: string }[] {
    const uuid = `uuid:${this.options.device.identity.uuid}`;
    return [
      { nt: 'upnp:rootdevice', usn: `${uuid}::upnp:rootdevice` },
      { nt: uuid, usn: uuid },
      { nt: mediaServerType, usn: `${uuid}::${mediaServerType}` },
      { nt: hdhomerunType, usn: `${uuid}::${hdhomerunType}` },
    ];
  }

  /** Binds the port (shared with other SSDP services), joins the group, sends the first alive. */
  async start(): Promise<number> {
    const socket = createSocket({ type: 'udp4', reuseAddr: true });
    socket.on('message', (message, remote) => this.onMessage(socket, message, remote));
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(this.options.port, '0.0.0.0', () => {
        socket.off('error', reject);
        resolve();
      });
    }).catch((error: unknown) => {
      socket.close();
      throw error;
    });
    socket.on('error', (error) => this.options.log.warn({ err: error }, 'SSDP socket error'));
    this.joinGroup(socket);
    this.socket = socket;
    this.notify('ssdp:alive');
    this.timer = setInterval(() => this.notify('ssdp:alive'), this.options.notifyIntervalMs ?? defaultNotifyIntervalMs);
    this.timer.unref();
    return socket.address().port;
  }

  /**
   * Joins the SSDP group on every LAN interface (a bare addMembership joins only the default
   * route's, so searches from a second network would go unheard). Sandboxes and some containers
   * refuse multicast: then only unicast searches are answered, with a warning.
   */
  private joinGroup(socket: Socket): void {
    const interfaces = this.options.http.listenAddress ? [this.options.http.listenAddress] : lanAddresses();
    let joined = 0;
    let lastError: unknown;
    for (const address of interfaces.length > 0 ? interfaces : [undefined]) {
      try {
        socket.addMembership(ssdpMulticastAddress, address);
        joined++;
      } catch (error) {
        lastError = error;
      }
    }
    try {
      socket.setMulticastTTL(2);
    } catch (error) {
      lastError = error;
    }
    if (joined === 0)
      this.options.log.warn(
        { err: lastError },
        'SSDP: cannot join the multicast group; answering unicast searches only',
      );
  }

  private onMessage(socket: Socket, message: Buffer, remote: RemoteInfo): void {
    if (!this.options.isClientAllowed(remote.address)) {
      this.options.log.debug({ client: remote.address }, 'SSDP message from a client outside --allow-cidr ignored');
      return;
    }
    const request = parseSsdpMessage(message.toString('utf8'));
    if (!request || request.method !== 'M-SEARCH' || request.headers.get('MAN')?.replace(/"/g, '') !== 'ssdp:discover')
      return;
    const st = request.headers.get('ST') ?? '';
    const targets = this.targets();
    const matching = st === 'ssdp:all' ? targets : targets.filter((t) => t.nt.toLowerCase() === st.toLowerCase());
    if (matching.length === 0) return;
    // UPnP asks for a random delay up to MX seconds (capped here) so answers do not collide.
    const mx = Number(request.headers.get('MX') ?? 0);
    const delay = Number.isFinite(mx) && mx > 0 ? Math.floor(Math.random() * Math.min(mx, 3) * 1000) : 0;
    const location = `${baseUrlFor(remote.address, this.options.http)}/device.xml`;
    const send = () => {
      for (const target of matching) {
        const response = [
          'HTTP/1.1 200 OK',
          `CACHE-CONTROL: max-age=${maxAge}`,
          `DATE: ${new Date(this.options.clock.now()).toUTCString()}`,
          'EXT:',
          `LOCATION: ${location}`,
          `SERVER: ${server}`,
          `ST: ${target.nt}`,
          `USN: ${target.usn}`,
          '',
          '',
        ].join('\r\n');
        socket.send(response, remote.port, remote.address);
      }
    };
    if (delay === 0) return send();
    const timeout = setTimeout(() => {
      this.pending.delete(timeout);
      if (this.socket) send();
    }, delay);
    this.pending.add(timeout);
  }

  private notify(nts: 'ssdp:alive' | 'ssdp:byebye', onSent?: () => void): void {
    const socket = this.socket;
    if (!socket) return onSent?.();
    const target = this.options.notifyTarget ?? { address: ssdpMulticastAddress, port: 1900 };
    const { advertiseUrl, listenAddress, httpPort } = this.options.http;
    const location = `${advertiseUrl ?? `http://${listenAddress ?? lanAddress()}:${httpPort}`}/device.xml`;
    const targets = this.targets();
    let left = targets.length;
    for (const t of targets) {
      const lines = [
        'NOTIFY * HTTP/1.1',
        `HOST: ${ssdpMulticastAddress}:1900`,
        `NT: ${t.nt}`,
        `NTS: ${nts}`,
        `USN: ${t.usn}`,
        ...(nts === 'ssdp:alive'
          ? [`CACHE-CONTROL: max-age=${maxAge}`, `LOCATION: ${location}`, `SERVER: ${server}`]
          : []),
        '',
        '',
      ];
      socket.send(lines.join('\r\n'), target.port, target.address, (error) => {
        if (error) this.options.log.debug({ err: error }, 'SSDP notify not sent');
        if (--left === 0) onSent?.();
      });
    }
  }

  /** Sends byebye, then closes; safe to call twice. */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    for (const timeout of this.pending) clearTimeout(timeout);
    this.pending.clear();
    const socket = this.socket;
    if (!socket) return;
    await new Promise<void>((resolve) => this.notify('ssdp:byebye', resolve));
    this.socket = undefined;
    await new Promise<void>((resolve) => socket.close(() => resolve()));
  }
}
