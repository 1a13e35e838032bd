import { describe, expect, it } from 'vitest';
import { parseCli } from '../../src/cli.js';

describe('tuner flags of `tunerbridge serve`', () => {
  it('reads --friendly-name, --tuner-count, --device-id and --no-discovery into the config', () => {
    const command = parseCli(
      ['serve', '--friendly-name', 'Den', '--tuner-count', '4', '--device-id', 'c883caa0', '--no-discovery'],
      {},
    );
    if (command.kind !== 'serve') throw new Error(command.kind);
    expect(command.config).toMatchObject({
      friendlyName: 'Den',
      tunerCountOverride: 4,
      deviceId: 'C883CAA0',
      discovery: false,
    });
  });

  it('defaults to discovery on, the stored id, the computed tuner count', () => {
    const command = parseCli(['serve'], {});
    if (command.kind !== 'serve') throw new Error(command.kind);
    expect(command.config).toMatchObject({
      friendlyName: 'Tunerbridge',
      tunerCountOverride: undefined,
      deviceId: undefined,
      discovery: true,
      hdhomerunPort: 65001,
      ssdpPort: 1900,
    });
  });

  it('refuses a DeviceID with a wrong check digit, a bad tuner count and an empty name', () => {
    expect(parseCli(['--device-id', '12345675'], {})).toEqual({
      kind: 'error',
      message: expect.stringMatching(/^invalid --device-id/),
    });
    expect(parseCli(['--device-id', '1234567'], {})).toEqual({
      kind: 'error',
      message: expect.stringMatching(/^invalid --device-id/),
    });
    expect(parseCli(['--tuner-count', '0'], {})).toEqual({
      kind: 'error',
      message: expect.stringMatching(/^invalid --tuner-count/),
    });
    expect(parseCli(['--tuner-count', '2.5'], {})).toEqual({
      kind: 'error',
      message: expect.stringMatching(/^invalid --tuner-count/),
    });
    expect(parseCli(['--friendly-name', '  '], {})).toEqual({
      kind: 'error',
      message: expect.stringMatching(/^invalid --friendly-name/),
    });
  });
});
