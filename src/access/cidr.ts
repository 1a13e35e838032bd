import { BlockList, isIP } from 'node:net';

/** One entry of `--allow-cidr` or `--trusted-proxy`: a network, or a single address as a /32 or /128. */
export interface Cidr {
  address: string;
  prefix: number;
  family: 'ipv4' | 'ipv6';
}

/** Thrown for a CIDR or address that does not parse; the message names the bad value and is safe to print. */
export class CidrError extends Error {
  constructor(value: string) {
    super(`not an IPv4 or IPv6 address or CIDR: "${value}" (e.g. 192.168.1.0/24, 10.0.0.5, fd00::/8)`);
    this.name = 'CidrError';
  }
}

/** Parses `192.168.1.0/24`, `10.0.0.5`, `fd00::/8` or `::1`; throws a CidrError for anything else. */
export function parseCidr(value: string): Cidr {
  const text = value.trim();
  const slash = text.indexOf('/');
  const address = slash === -1 ? text : text.slice(0, slash);
  const version = isIP(address);
  if (version === 0) throw new CidrError(value);
  const family = version === 4 ? 'ipv4' : 'ipv6';
  const max = version === 4 ? 32 : 128;
  const prefixText = slash === -1 ? String(max) : text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > max) throw new CidrError(value);
  const prefix = Number(prefixText);
  // `::ffff:10.0.0.0/104` is 10.0.0.0/8: clients are matched in their IPv4 form (normalizeAddress).
  const mapped = normalizeAddress(address);
  if (family === 'ipv6' && isIP(mapped) === 4 && prefix >= 96)
    return { address: mapped, prefix: prefix - 96, family: 'ipv4' };
  return { address, prefix, family };
}

/**
 * Parses flag values that are each one CIDR or a comma list of them (`--allow-cidr a,b --allow-cidr c`).
 * Empty items are errors, not ignored: `--allow-cidr ""` must not silently mean "nobody".
 */
export function parseCidrList(values: readonly string[]): Cidr[] {
  return values.flatMap((value) => value.split(',')).map((item) => parseCidr(item));
}

/** `a.b.c.d/n` or `x::/n`, as Fastify's trustProxy and the start-up log take it. */
export function formatCidr(cidr: Cidr): string {
  return `${cidr.address}/${cidr.prefix}`;
}

/**
 * A client address as sockets report it, made comparable: an IPv4-mapped IPv6 address
 * (`::ffff:192.168.1.5`, what a dual-stack listener sees for IPv4 clients) becomes the IPv4
 * address, brackets and an IPv6 zone (`%eth0`) go, letters are lower-cased.
 */
export function normalizeAddress(address: string): string {
  let text = address.trim().toLowerCase();
  if (text.startsWith('[') && text.endsWith(']')) text = text.slice(1, -1);
  const zone = text.indexOf('%');
  if (zone !== -1) text = text.slice(0, zone);
  const mapped = /^::ffff:(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})$/.exec(text);
  return mapped ? mapped[1]! : text;
}

/**
 * A matcher for `cidrs` over node:net's BlockList, one list per family: BlockList on its own lets an
 * IPv6 rule such as `::/0` match IPv4 addresses too, and `--allow-cidr ::/0` must not open IPv4.
 */
export function cidrMatcher(cidrs: readonly Cidr[]): (address: string) => boolean {
  const lists = { ipv4: new BlockList(), ipv6: new BlockList() };
  for (const cidr of cidrs) lists[cidr.family].addSubnet(cidr.address, cidr.prefix, cidr.family);
  return (address) => {
    const normalized = normalizeAddress(address);
    const version = isIP(normalized);
    if (version === 4) return lists.ipv4.check(normalized, 'ipv4');
    if (version === 6) return lists.ipv6.check(normalized, 'ipv6');
    return false;
  };
}
