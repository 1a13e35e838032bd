import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/index.js';
import { seedAccountRow } from '../support/seed.js';
import { startApp, type TestApp } from '../support/start-app.js';
import { networkInterfaces } from 'node:os';
import { defaultConfig } from '../../src/core/index.js';

const run = promisify(execFile);

/** Runs Debian's `hdhomerun_config` (package hdhomerun-config); resolves with stdout even on exit 1. */
async function hdhomerunConfig(...args: string[]): Promise<{ stdout: string; code: number }> {
  try {
    const { stdout } = await run('hdhomerun_config', args, { timeout: 15_000 });
    return { stdout: stdout.trim(), code: 0 };
  } catch (error) {
    const e = error as { code?: number | string; stdout?: string };
    if (e.code === 'ENOENT') throw new Error('hdhomerun_config is not installed (apt-get install hdhomerun-config)');
    return { stdout: (e.stdout ?? '').trim(), code: typeof e.code === 'number' ? e.code : -1 };
  }
}

/*
 * The real libhdhomerun client only talks to port 65001 (UDP discovery, then TCP control), so this
 * suite needs those ports free: it fails with a clear message when something else holds them.
 * Discovery binds 0.0.0.0 (host '0.0.0.0'): `hdhomerun_config <id>` finds the device by broadcast.
 */
describe('the real hdhomerun_config client', () => {
  let t: TestApp | undefined;
  let deviceId: string;

  beforeAll(async () => {
    // The broadcast reaches the device from this machine's own LAN address, whatever range the
    // test machine is on (CI's is not RFC 1918): allow those besides the default ranges.
    const ownAddresses = Object.values(networkInterfaces())
      .flat()
      .filter((a) => a !== undefined && a.family === 'IPv4')
      .map((a) => `${a.address}/32`);
    const started = await startApp({
      config: {
        host: '0.0.0.0',
        discovery: true,
        hdhomerunPort: 65001,
        ssdpPort: 0,
        allowCidrs: [...defaultConfig.allowCidrs, ...ownAddresses],
      },
    });
    const ports = await started.domains.discovery!.ready();
    if (ports.hdhomerunUdp !== 65001 || ports.hdhomerunTcp !== 65001) {
      await started.close();
      throw new Error(
        'port 65001 (UDP or TCP) is already in use on this machine: stop the other HDHomeRun service to run this suite',
      );
    }
    t = started;
    const db = openDatabase(join(t.dataDir, 'tunerbridge.db'));
    seedAccountRow(db, { maxConnections: 3 });
    db.close();
    deviceId = (await t.app.inject('/discover.json')).json<{ DeviceID: string }>().DeviceID;
  });
  afterAll(() => t?.close());

  it('finds the device with `hdhomerun_config discover 127.0.0.1`', async () => {
    const { stdout, code } = await hdhomerunConfig('discover', '127.0.0.1');
    expect(code).toBe(0);
    expect(stdout).toBe(`hdhomerun device ${deviceId} found at 127.0.0.1`);
  });

  it('answers `hdhomerun_config <DeviceID> get …` (discovery by id, then the TCP control protocol)', async () => {
    expect(await hdhomerunConfig(deviceId, 'get', '/sys/model')).toEqual({ stdout: 'hdhomerun5_atsc', code: 0 });
    expect(await hdhomerunConfig(deviceId, 'get', '/sys/hwmodel')).toEqual({ stdout: 'HDHR5-4K', code: 0 });
    expect((await hdhomerunConfig(deviceId, 'get', '/sys/version')).stdout).toMatch(/^\d{8}$/);
  });

  it('answers get by address, tuner status within the tuner count, an error beyond it', async () => {
    expect(await hdhomerunConfig('127.0.0.1', 'get', '/sys/model')).toEqual({ stdout: 'hdhomerun5_atsc', code: 0 });
    expect((await hdhomerunConfig('127.0.0.1', 'get', '/tuner2/status')).stdout).toMatch(/^ch=none lock=none/);
    // 3 tuners (the seeded account's limit): tuner3 does not exist.
    const beyond = await hdhomerunConfig('127.0.0.1', 'get', '/tuner3/status');
    expect(beyond.code).not.toBe(0);
    expect(beyond.stdout).toBe('ERROR: unknown getset variable');
  });

  it('does not answer for another device id', async () => {
    // 12345674 is a valid id that is not ours (ours is random; retry-proof by construction).
    const other = deviceId === '12345674' ? '1234567B' : '12345674';
    const { stdout, code } = await hdhomerunConfig(other, 'get', '/sys/model');
    expect(code).not.toBe(0);
    expect(stdout).not.toContain('hdhomerun5_atsc');
  });
});
