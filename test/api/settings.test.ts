import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startApp, type StartAppOptions, type TestApp } from '../support/start-app.js';
import { makeTempDir } from '../support/temp-dir.js';

type SettingsBody = Record<string, { value: unknown; source: string }>;

describe('runtime settings: GET and PATCH /api/settings', () => {
  let t: TestApp | undefined;
  let temp: ReturnType<typeof makeTempDir>;
  beforeEach(() => {
    temp = makeTempDir();
  });
  afterEach(async () => {
    await t?.close({ keepDataDir: true });
    t = undefined;
    temp.remove();
  });

  const open = async (options: StartAppOptions = {}) =>
    (t = await startApp({ listen: false, dataDir: temp.path, ...options }));
  const get = async (app: TestApp) => (await app.app.inject({ url: '/api/settings' })).json<SettingsBody>();
  const patch = (app: TestApp, payload: Record<string, unknown>) =>
    app.app.inject({ method: 'PATCH', url: '/api/settings', payload });
  const discover = async (app: TestApp) =>
    (await app.app.inject({ url: '/discover.json' })).json<{ FriendlyName: string; TunerCount: number }>();

  it('reports the defaults, applies a change at once (discover.json, EPG, log level) and keeps it across a restart', async () => {
    const app = await open();
    expect(await get(app)).toEqual({
      tunerName: { value: 'Tunerbridge', source: 'default' },
      tunerCountOverride: { value: null, source: 'default' },
      tunerWaitMs: { value: 10_000, source: 'default' },
      epgDays: { value: 7, source: 'default' },
      logLevel: { value: 'info', source: 'default' },
    });
    expect(await discover(app)).toMatchObject({ FriendlyName: 'Tunerbridge', TunerCount: 1 });
    const etagBefore = (await app.app.inject({ url: '/epg.xml' })).headers.etag;

    const res = await patch(app, {
      tunerName: ' Living room ',
      tunerCountOverride: 4,
      tunerWaitMs: 2500,
      epgDays: 2,
      logLevel: 'warn',
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      tunerName: { value: 'Living room', source: 'saved' },
      tunerCountOverride: { value: 4, source: 'saved' },
      tunerWaitMs: { value: 2500, source: 'saved' },
      epgDays: { value: 2, source: 'saved' },
      logLevel: { value: 'warn', source: 'saved' },
    });
    expect(await discover(app)).toMatchObject({ FriendlyName: 'Living room', TunerCount: 4 });
    expect((await app.app.inject({ url: '/api/plex' })).json()).toMatchObject({ tunerCount: 4 });
    // A new EPG window: a new rendering, not the cached one.
    const etagAfter = (await app.app.inject({ url: '/epg.xml' })).headers.etag;
    expect(etagAfter).toBeDefined();
    expect(etagAfter).not.toBe(etagBefore);
    // The logger now drops info lines (an event mirrors to the log at its level).
    app.domains.events.record({ level: 'info', category: 'test', message: 'quiet-info-line' });
    app.domains.events.record({ level: 'warn', category: 'test', message: 'loud-warn-line' });
    expect(app.logs.join('')).not.toContain('quiet-info-line');
    expect(app.logs.join('')).toContain('loud-warn-line');

    await app.close({ keepDataDir: true });
    t = undefined;
    const again = await open();
    expect((await get(again)).tunerName).toEqual({ value: 'Living room', source: 'saved' });
    expect(await discover(again)).toMatchObject({ FriendlyName: 'Living room', TunerCount: 4 });
    // null hands the tuner count back to the accounts' sum.
    expect((await patch(again, { tunerCountOverride: null })).json<SettingsBody>().tunerCountOverride).toEqual({
      value: null,
      source: 'saved',
    });
    expect(await discover(again)).toMatchObject({ TunerCount: 1 });
  });

  it('lets a command-line flag win: reported as flag, 409 on PATCH, the saved value not applied', async () => {
    const first = await open();
    expect((await patch(first, { tunerName: 'Saved name', epgDays: 3 })).statusCode).toBe(200);
    await first.close({ keepDataDir: true });
    const app = await open({ config: { friendlyName: 'From flag', givenOnCommandLine: ['friendlyName'] } });
    const body = await get(app);
    expect(body.tunerName).toEqual({ value: 'From flag', source: 'flag' });
    expect(body.epgDays).toEqual({ value: 3, source: 'saved' });
    expect(await discover(app)).toMatchObject({ FriendlyName: 'From flag' });
    const res = await patch(app, { tunerName: 'Other', epgDays: 5 });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toEqual({
      error: 'tunerName is set on the command line (--friendly-name): remove the flag to change it here',
    });
    // Nothing of a refused PATCH applies.
    expect((await get(app)).epgDays).toEqual({ value: 3, source: 'saved' });
  });

  it('refuses invalid values with the field named, changing nothing', async () => {
    const app = await open();
    for (const [payload, error] of [
      [{ epgDays: 15 }, 'epgDays must be a whole number from 1 to 14'],
      [{ tunerCountOverride: 33 }, 'tunerCountOverride must be a whole number from 1 to 32'],
      [{ tunerWaitMs: -1 }, 'tunerWaitMs must be a whole number from 0 to 60000'],
      [{ logLevel: 'loud' }, 'logLevel must be one of fatal, error, warn, info, debug, trace, silent'],
      [{ tunerName: '   ' }, 'tunerName must be 1 to 64 characters'],
      [{ tunerName: 'ok', epgDays: 0 }, 'epgDays must be a whole number from 1 to 14'],
    ] as const) {
      const res = await patch(app, payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json()).toEqual({ error });
    }
    const unknown = await patch(app, { port: 1 });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json()).toEqual({ error: 'invalid request: body must NOT have additional properties' });
    expect(Object.values(await get(app)).every((s) => s.source === 'default')).toBe(true);
  });
});
