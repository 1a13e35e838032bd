import type { AppConfig, Clock, Logger } from '../core/index.js';
import type { EventLog } from '../events/index.js';
import type { SessionInfo } from '../streaming/index.js';
import { createTunerActivity, type TunerDevice } from '../tuner/index.js';
import { ControlServer } from './control-server.js';
import { SsdpResponder } from './ssdp.js';
import { specificIpv4, type AdvertisedHttp } from './local-address.js';
import { UdpDiscovery } from './udp-discovery.js';

export interface NetworkDiscoveryOptions {
  device: TunerDevice;
  log: Logger;
  /** Times the tuners' bit rates and SSDP's DATE header. */
  clock: Clock;
  config: Pick<AppConfig, 'hdhomerunPort' | 'ssdpPort' | 'advertiseUrl' | 'host'>;
  /** Where a service that cannot start is reported (the user sees it in the event log); else the log only. */
  events?: Pick<EventLog, 'record'>;
  /** Live stream sessions, shown as busy tuners to control-protocol clients. */
  sessions?: () => readonly SessionInfo[];
  /** Whether a packet's source may be answered (`--allow-cidr`); default everyone. Others are ignored. */
  isClientAllowed?: (address: string) => boolean;
  /** SSDP NOTIFY destination override (tests); default the multicast group. */
  ssdpNotifyTarget?: { address: string; port: number };
}

/** The ports actually bound; undefined for a service that could not start. */
export interface DiscoveryPorts {
  hdhomerunUdp: number | undefined;
  hdhomerunTcp: number | undefined;
  ssdp: number | undefined;
}

/**
 * Everything that lets clients find the tuner without typing its address: HDHomeRun discovery
 * (UDP 65001), the HDHomeRun control protocol (TCP 65001) and SSDP (UDP 1900). Each part starts
 * on its own: a port already in use (a real HDHomeRun app, another emulator, minidlna) is logged
 * as a warning and the rest keeps working, since the HTTP API alone is enough for manual set-up.
 */
export class NetworkDiscovery {
  private parts: { close(): Promise<void> }[] = [];
  private starting: Promise<DiscoveryPorts> | undefined;
  private closed = false;
  private resolveStarted!: (ports: DiscoveryPorts) => void;
  private readonly started = new Promise<DiscoveryPorts>((resolve) => (this.resolveStarted = resolve));
  ports: DiscoveryPorts = { hdhomerunUdp: undefined, hdhomerunTcp: undefined, ssdp: undefined };

  constructor(private readonly options: NetworkDiscoveryOptions) {}

  /** Starts the three services for an HTTP server on `httpPort` (once); never rejects. */
  start(httpPort: number): Promise<DiscoveryPorts> {
    this.starting ??= this.startAll(httpPort).then((ports) => {
      this.resolveStarted(ports);
      return ports;
    });
    return this.starting;
  }

  /**
   * Resolves with the bound ports once `start` has finished. Fastify does not await `onListen`
   * hooks before `listen()` resolves, so callers that need the ports (tests) wait here.
   */
  ready(): Promise<DiscoveryPorts> {
    return this.started;
  }

  private async startAll(httpPort: number): Promise<DiscoveryPorts> {
    if (this.closed) return this.ports;
    const { device, log, clock, config } = this.options;
    // `--host 192.168.1.5`: discovery stays on that address too and hands it out.
    const listenAddress = specificIpv4(config.host);
    const http: AdvertisedHttp = { httpPort, advertiseUrl: config.advertiseUrl, listenAddress };
    const isClientAllowed = this.options.isClientAllowed ?? (() => true);
    const udp = new UdpDiscovery({ device, log, port: config.hdhomerunPort, http, isClientAllowed });
    const tcp = new ControlServer({
      device,
      log,
      port: config.hdhomerunPort,
      isClientAllowed,
      ...(listenAddress ? { host: listenAddress } : {}),
      ...(this.options.sessions ? { tunerActivity: createTunerActivity(device, this.options.sessions, clock) } : {}),
    });
    const ssdp = new SsdpResponder({
      device,
      log,
      clock,
      port: config.ssdpPort,
      http,
      isClientAllowed,
      ...(this.options.ssdpNotifyTarget ? { notifyTarget: this.options.ssdpNotifyTarget } : {}),
    });
    this.ports = {
      hdhomerunUdp: await this.startPart(udp, 'HDHomeRun discovery (UDP)', config.hdhomerunPort),
      hdhomerunTcp: await this.startPart(tcp, 'HDHomeRun control (TCP)', config.hdhomerunPort),
      ssdp: await this.startPart(ssdp, 'SSDP (UDP)', config.ssdpPort),
    };
    log.info({ ports: this.ports, deviceId: device.describe().deviceId }, 'network discovery started');
    return this.ports;
  }

  private async startPart(
    part: { start(): Promise<number>; close(): Promise<void> },
    name: string,
    port: number,
  ): Promise<number | undefined> {
    try {
      const bound = await part.start();
      this.parts.push(part);
      return bound;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const reason =
        code === 'EADDRINUSE' ? 'port already in use' : code === 'EACCES' ? 'no permission' : (error as Error).message;
      const message = `${name} not started on port ${port}: ${reason}`;
      if (this.options.events)
        this.options.events.record({
          level: 'warn',
          category: 'tuner',
          message,
          details: { port, code: code ?? null },
        });
      else this.options.log.warn({ err: error, port }, message);
      return undefined;
    }
  }

  /** Stops everything that started (SSDP says byebye first); safe to call twice, or during start. */
  async close(): Promise<void> {
    this.closed = true;
    this.resolveStarted(this.ports);
    if (this.starting) await this.starting;
    const parts = this.parts;
    this.parts = [];
    await Promise.all(parts.map((p) => p.close()));
  }
}
