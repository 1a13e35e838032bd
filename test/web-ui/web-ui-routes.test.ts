import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startApp, type TestApp } from '../support/start-app.js';
import { makeTempDir } from '../support/temp-dir.js';

type TempDir = ReturnType<typeof makeTempDir>;

/** The web UI's files at /, its page for its own routes, and nothing taken from the tuner or the API. */
describe('web UI serving', () => {
  let t: TestApp | undefined;
  let temp: TempDir | undefined;
  afterEach(async () => {
    await t?.close();
    temp?.remove();
    t = undefined;
    temp = undefined;
  });

  async function withBuiltUi(): Promise<TestApp> {
    temp = makeTempDir();
    const dir = join(temp.path, 'ui');
    mkdirSync(join(dir, 'assets'), { recursive: true });
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Tunerbridge UI</title><div id="root"></div>');
    writeFileSync(join(dir, 'assets', 'index-abc123.js'), 'console.log("ui")');
    t = await startApp({ config: { webUiDir: dir } });
    return t;
  }

  const html = { accept: 'text/html,application/xhtml+xml' };

  it('serves index.html at / and for client routes, the hashed assets with a long cache', async () => {
    const app = await withBuiltUi();
    for (const path of ['/', '/lineup', '/channels/bbc.one.uk', '/settings']) {
      const res = await fetch(`${app.url}${path}`, { headers: html });
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await res.text()).toContain('Tunerbridge UI');
      expect(res.headers.get('cache-control')).toBe('no-cache');
    }
    const asset = await fetch(`${app.url}/assets/index-abc123.js`);
    expect(asset.status).toBe(200);
    expect(await asset.text()).toBe('console.log("ui")');
    expect(asset.headers.get('cache-control')).toContain('immutable');
  });

  it('leaves the tuner routes, the API 404s and non-HTML requests alone', async () => {
    const app = await withBuiltUi();
    const discover = await fetch(`${app.url}/discover.json`, { headers: html });
    expect(discover.headers.get('content-type')).toMatch(/json/);
    expect(((await discover.json()) as { DeviceID?: string }).DeviceID).toMatch(/^[0-9A-F]{8}$/);
    const lineup = await fetch(`${app.url}/lineup.json`, { headers: html });
    expect(Array.isArray(await lineup.json())).toBe(true);
    for (const path of ['/api/nope', '/api', '/stream', '/missing.json', '/epg.xml.bak', '/lineupx', '/auto']) {
      const res = await fetch(`${app.url}${path}`, { headers: html });
      expect(res.status, path).toBe(404);
      expect(await res.json()).toEqual({ error: 'not found' });
    }
    // A client route asked for as JSON (an API client, not a browser): still the JSON 404.
    const json = await fetch(`${app.url}/lineup`, { headers: { accept: 'application/json' } });
    expect(json.status).toBe(404);
    expect(await json.json()).toEqual({ error: 'not found' });
  });

  it('without a built UI, / says how to build it and the rest works as before', async () => {
    temp = makeTempDir();
    t = await startApp({ config: { webUiDir: join(temp.path, 'absent') } });
    const res = await fetch(`${t.url}/`, { headers: html });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('npm run build');
    const api = await fetch(`${t.url}/api/nope`);
    expect(await api.json()).toEqual({ error: 'not found' });
  });
});

describe('client sections', () => {
  it('the server serves exactly the sections the UI routes to', async () => {
    const { clientSections } = await import('../../src/web-ui/index.js');
    const { sections } = await import('../../web/src/routes.js');
    expect([...clientSections].sort()).toEqual([...sections].sort());
  });
});
