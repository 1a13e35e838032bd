import { BlockList, isIP } from 'node:net';

// BlockList checks IPv4-mapped IPv6 (`::ffff:127.0.0.1`, what a dual-stack socket reports)
// against the IPv4 rules, in any spelling of the address.
const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');

/**
 * True for a loopback client: 127.0.0.0/8, ::1, and 127.x as IPv4-mapped IPv6. Only the socket
 * address (or what the trusted-proxy set-up made of it, `request.ip`) counts, never a header.
 */
export function isLoopbackAddress(address: string): boolean {
  const family = isIP(address);
  return family !== 0 && loopback.check(address, family === 4 ? 'ipv4' : 'ipv6');
}
