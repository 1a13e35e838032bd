import { describe, expect, it } from 'vitest';
import { CidrError, createAccessPolicy, hostNameOf, normalizeAddress, parseCidr } from '../../src/access/index.js';
import { createConfig } from '../../src/core/index.js';

const policyOf = (overrides: Parameters<typeof createConfig>[0] = {}, addresses: string[] = []) =>
  createAccessPolicy(createConfig(overrides, {}), () => addresses);

describe('parseCidr', () => {
  it('reads IPv4 and IPv6 networks and single addresses', () => {
    expect(parseCidr('192.168.1.0/24')).toEqual({ address: '192.168.1.0', prefix: 24, family: 'ipv4' });
    expect(parseCidr(' 10.0.0.5 ')).toEqual({ address: '10.0.0.5', prefix: 32, family: 'ipv4' });
    expect(parseCidr('fd00::/8')).toEqual({ address: 'fd00::', prefix: 8, family: 'ipv6' });
    expect(parseCidr('::1')).toEqual({ address: '::1', prefix: 128, family: 'ipv6' });
    expect(parseCidr('0.0.0.0/0')).toEqual({ address: '0.0.0.0', prefix: 0, family: 'ipv4' });
    // An IPv4-mapped network is the IPv4 network: clients are matched in their IPv4 form.
    expect(parseCidr('::ffff:10.0.0.0/104')).toEqual({ address: '10.0.0.0', prefix: 8, family: 'ipv4' });
  });

  it.each([
    '',
    '10.0.0.0/33',
    '::/129',
    '10.0.0/8',
    '300.1.1.1',
    '10.0.0.0/',
    '10.0.0.0/8/8',
    'lan',
    '10.0.0.0/-1',
    '10.0.0.0/ 8',
  ])('refuses %j with a message naming it', (value) => {
    expect(() => parseCidr(value)).toThrow(CidrError);
    expect(() => parseCidr(value)).toThrow(`"${value}"`);
  });
});

describe('normalizeAddress and hostNameOf', () => {
  it('turns IPv4-mapped IPv6, brackets, zones and capitals into one comparable form', () => {
    expect(normalizeAddress('::ffff:192.168.1.5')).toBe('192.168.1.5');
    expect(normalizeAddress('::FFFF:8.8.8.8')).toBe('8.8.8.8');
    expect(normalizeAddress('[FE80::1%eth0]')).toBe('fe80::1');
  });

  it('takes the host out of a Host header, and nothing out of a malformed one', () => {
    expect(hostNameOf('Tuner.LAN:5004')).toBe('tuner.lan');
    expect(hostNameOf('localhost.')).toBe('localhost');
    expect(hostNameOf('127.0.0.1:5004')).toBe('127.0.0.1');
    expect(hostNameOf('[::1]:5004')).toBe('::1');
    expect(hostNameOf('[::ffff:127.0.0.1]')).toBe('127.0.0.1');
    for (const bad of [undefined, '', ':5004', '::1', '[::1', '[::1]x', '[evil.example]', 'a:b:c', 'h:port'])
      expect(hostNameOf(bad), String(bad)).toBeUndefined();
  });
});

describe('isTunerClientAllowed', () => {
  it('answers loopback, RFC 1918, link-local, ULA and their IPv4-mapped forms by default; nothing else', () => {
    const policy = policyOf();
    const allowed = [
      '127.0.0.1',
      '127.8.9.10',
      '::1',
      '10.1.2.3',
      '172.16.0.1',
      '172.31.255.254',
      '192.168.1.5',
      '169.254.10.20',
      'fe80::1',
      'fd12:3456::1',
      'fc00::1',
      '::ffff:192.168.1.5',
      '::ffff:127.0.0.1',
      '::ffff:10.0.0.1',
    ];
    const refused = [
      '8.8.8.8',
      '172.32.0.1',
      '172.15.255.255',
      '192.169.0.1',
      '100.64.0.1',
      '2001:db8::1',
      '2a00:1450::1',
      '::ffff:8.8.8.8',
      '0.0.0.0',
      '',
      'not-an-ip',
      undefined,
    ];
    for (const ip of allowed) expect(policy.isTunerClientAllowed(ip), ip).toBe(true);
    for (const ip of refused) expect(policy.isTunerClientAllowed(ip), String(ip)).toBe(false);
  });

  it('--allow-cidr replaces the default: narrower, or open to everyone', () => {
    const narrow = policyOf({ allowCidrs: ['192.168.1.0/24'] });
    expect(narrow.isTunerClientAllowed('192.168.1.77')).toBe(true);
    expect(narrow.isTunerClientAllowed('::ffff:192.168.1.77')).toBe(true);
    expect(narrow.isTunerClientAllowed('192.168.2.1')).toBe(false);
    expect(narrow.isTunerClientAllowed('127.0.0.1')).toBe(false);
    expect(narrow.allowCidrs).toEqual(['192.168.1.0/24']);

    const open = policyOf({ allowCidrs: ['0.0.0.0/0', '::/0'] });
    for (const ip of ['8.8.8.8', '::ffff:8.8.8.8', '2001:db8::1', '127.0.0.1'])
      expect(open.isTunerClientAllowed(ip), ip).toBe(true);

    // An IPv6 rule never opens IPv4 (node's BlockList alone would let ::/0 match 8.8.8.8).
    const v6only = policyOf({ allowCidrs: ['::/0'] });
    expect(v6only.isTunerClientAllowed('2001:db8::1')).toBe(true);
    expect(v6only.isTunerClientAllowed('8.8.8.8')).toBe(false);
    expect(v6only.isTunerClientAllowed('::ffff:8.8.8.8')).toBe(false);
  });

  it('throws for a bad CIDR given to it directly', () => {
    expect(() => policyOf({ allowCidrs: ['10.0.0.0/40'] })).toThrow(CidrError);
    expect(() => policyOf({ trustedProxies: ['proxy'] })).toThrow(CidrError);
  });

  it('hands Fastify exactly the trusted proxies, or false for none', () => {
    expect(policyOf().trustProxy).toBe(false);
    expect(policyOf({ trustedProxies: ['10.0.0.2', 'fd00::/8'] }).trustProxy).toEqual(['10.0.0.2/32', 'fd00::/8']);
  });
});

describe('isAllowedAdminHost', () => {
  const machine = ['127.0.0.1', '::1', '192.168.1.5', 'fe80::a00:27ff:fe4e:66a1%eth0'];

  it('answers localhost, loopback, this machine’s addresses, the advertise host and --allowed-host names', () => {
    const policy = policyOf(
      { advertiseUrl: 'http://tuner.example:5004', allowedHosts: ['NAS.lan', '[fd00::9]'] },
      machine,
    );
    for (const host of [
      'localhost',
      'localhost:5004',
      'LOCALHOST.:5004',
      '127.0.0.1:5004',
      '127.0.0.2',
      '[::1]:5004',
      '192.168.1.5:5004',
      '[fe80::a00:27ff:fe4e:66a1]:5004',
      'tuner.example:5004',
      'nas.lan:5004',
      '[fd00::9]:5004',
    ])
      expect(policy.isAllowedAdminHost(host), host).toBe(true);
    for (const host of [
      'evil.example',
      'evil.example:5004',
      'localhost.evil.example',
      '192.168.1.6:5004',
      '0.0.0.0:5004',
      '8.8.8.8',
      '',
      undefined,
    ])
      expect(policy.isAllowedAdminHost(host), String(host)).toBe(false);
  });

  it('an IPv6 advertise URL counts by its address', () => {
    expect(policyOf({ advertiseUrl: 'http://[fd00::5]:5004' }).isAllowedAdminHost('[fd00::5]:5004')).toBe(true);
  });

  it('reads the interfaces again on a miss: an address gained after start-up is this machine’s too', () => {
    const addresses = ['127.0.0.1'];
    const policy = policyOf({}, addresses);
    expect(policy.isAllowedAdminHost('10.9.9.9:5004')).toBe(false);
    addresses.push('10.9.9.9');
    expect(policy.isAllowedAdminHost('10.9.9.9:5004')).toBe(true);
  });
});
