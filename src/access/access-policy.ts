import { networkInterfaces } from 'node:os';
import type { AppConfig } from '../core/index.js';
import { isIP } from 'node:net';
import { cidrMatcher, formatCidr, normalizeAddress, parseCidrList, type Cidr } from './cidr.js';

/** Who may reach what, decided from the start-up flags. */
export interface AccessPolicy {
  /** True when `ip` (the client as `request.ip` or a datagram's source gives it) may use the tuner surface and discovery. */
  isTunerClientAllowed(ip: string | undefined): boolean;
  /** True when a `Host` header value (with or without port) names this machine or an allowed name: the DNS-rebinding rule. */
  isAllowedAdminHost(host: string | undefined): boolean;
  /** The parsed `--allow-cidr` list, for the start-up log. */
  readonly allowCidrs: readonly string[];
  /** Fastify's `trustProxy` value: the `--trusted-proxy` list, or false when none is given. */
  readonly trustProxy: string[] | false;
}

/** Where the host names of this machine come from; tests pass a fixed set. */
export type InterfaceAddresses = () => readonly string[];

const systemAddresses: InterfaceAddresses = () =>
  Object.values(networkInterfaces())
    .flatMap((list) => list ?? [])
    .map((entry) => entry.address);

/**
 * Builds the policy from the config. Throws a CidrError for a bad `allowCidrs` or `trustedProxies`
 * entry (the CLI has refused those already; this guards other callers).
 */
export function createAccessPolicy(
  config: Pick<AppConfig, 'allowCidrs' | 'trustedProxies' | 'allowedHosts' | 'advertiseUrl'>,
  interfaceAddresses: InterfaceAddresses = systemAddresses,
): AccessPolicy {
  const allow = parseCidrList(config.allowCidrs);
  const proxies = parseCidrList(config.trustedProxies);
  const isAllowed = cidrMatcher(allow);
  const isLoopback = cidrMatcher(loopback);

  const names = new Set(['localhost', ...config.allowedHosts.map(normalizeHostName)]);
  if (config.advertiseUrl) names.add(normalizeHostName(new URL(config.advertiseUrl).hostname));
  // Interfaces come and go (DHCP, VPN, Wi-Fi): a miss reads them again before refusing.
  let machine = new Set<string>();
  const isMachineAddress = (address: string): boolean => {
    if (machine.has(address)) return true;
    machine = new Set(interfaceAddresses().map(normalizeAddress));
    return machine.has(address);
  };

  return {
    isTunerClientAllowed: (ip) => ip !== undefined && isAllowed(ip),
    isAllowedAdminHost(host) {
      const name = hostNameOf(host);
      if (name === undefined) return false;
      if (names.has(name)) return true;
      if (isIP(name) === 0) return false;
      return isLoopback(name) || isMachineAddress(name);
    },
    allowCidrs: allow.map(formatCidr),
    trustProxy: proxies.length > 0 ? proxies.map(formatCidr) : false,
  };
}

const loopback: Cidr[] = [
  { address: '127.0.0.0', prefix: 8, family: 'ipv4' },
  { address: '::1', prefix: 128, family: 'ipv6' },
];

/**
 * A host name compared as DNS does: case-insensitive, a trailing dot (`localhost.`) is the same
 * name; an IP literal in its plain form (no brackets, IPv4-mapped IPv6 as IPv4).
 */
function normalizeHostName(name: string): string {
  const text = name.trim().toLowerCase().replace(/\.$/, '');
  const address = normalizeAddress(text);
  return isIP(address) === 0 ? text : address;
}

/**
 * The host of a `Host` header: `name:port`, `1.2.3.4:port`, `[v6]:port` or any of them without a port.
 * Undefined for an empty or malformed one (a bare IPv6 address without brackets, junk after `]`).
 */
export function hostNameOf(header: string | undefined): string | undefined {
  const text = header?.trim() ?? '';
  if (text.startsWith('[')) {
    const end = text.indexOf(']');
    const rest = end === -1 ? undefined : text.slice(end + 1);
    if (rest === undefined || !/^(:\d{1,5})?$/.test(rest)) return undefined;
    const address = normalizeHostName(text.slice(1, end));
    return isIP(address) === 0 ? undefined : address;
  }
  const match = /^([^:]+)(:\d{1,5})?$/.exec(text);
  if (!match) return undefined;
  const name = normalizeHostName(match[1]!);
  return name === '' ? undefined : name;
}
