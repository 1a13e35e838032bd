import { networkInterfaces, type NetworkInterfaceInfo } from 'node:os';

function toInt(address: string): number | undefined {
  const parts = address.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    const n = Number(part);
    if (!/^\d{1,3}$/.test(part) || n > 255) return undefined;
    value = value * 256 + n;
  }
  return value;
}

type Interfaces = NodeJS.Dict<NetworkInterfaceInfo[]>;

/**
 * The local IPv4 address a client at `remote` reaches us on. A UDP socket bound to 0.0.0.0 is not
 * told which address a datagram arrived on, so pick the interface whose subnet holds the sender
 * (loopback for 127.x); a sender on no local subnet (routed, VPN) gets the first LAN address.
 */
export function localAddressFor(remote: string, interfaces: Interfaces = networkInterfaces()): string {
  const address = remote.replace(/^::ffff:/, '');
  if (address.startsWith('127.')) return '127.0.0.1';
  const target = toInt(address);
  const candidates = Object.values(interfaces)
    .flatMap((list) => list ?? [])
    .filter((entry) => entry.family === 'IPv4');
  if (target !== undefined) {
    for (const entry of candidates) {
      const local = toInt(entry.address);
      const mask = toInt(entry.netmask);
      if (local === undefined || mask === undefined) continue;
      if ((local & mask) >>> 0 === (target & mask) >>> 0) return entry.address;
    }
  }
  return lanAddress(interfaces);
}

/** Every non-loopback IPv4 address. */
export function lanAddresses(interfaces: Interfaces = networkInterfaces()): string[] {
  const entries = Object.values(interfaces).flatMap((list) => list ?? []);
  return entries.filter((entry) => entry.family === 'IPv4' && !entry.internal).map((entry) => entry.address);
}

/** The first non-loopback IPv4 address (what SSDP NOTIFY advertises), else 127.0.0.1. */
export function lanAddress(interfaces: Interfaces = networkInterfaces()): string {
  return lanAddresses(interfaces)[0] ?? '127.0.0.1';
}

/** Where the HTTP server can be reached, as discovery replies hand it out. */
export interface AdvertisedHttp {
  httpPort: number;
  advertiseUrl: string | undefined;
  /** The one address the server listens on, when it is not a wildcard. */
  listenAddress: string | undefined;
}

/** The advertised URL when configured, else `http://{address}:{port}` on the listen address or the one the sender can reach. */
export function baseUrlFor(remote: string, http: AdvertisedHttp, interfaces?: Interfaces): string {
  return http.advertiseUrl ?? `http://${http.listenAddress ?? localAddressFor(remote, interfaces)}:${http.httpPort}`;
}

/** `host` when it names one IPv4 address (`--host 192.168.1.5`); undefined for wildcards and names. */
export function specificIpv4(host: string): string | undefined {
  return toInt(host) !== undefined && host !== '0.0.0.0' ? host : undefined;
}
