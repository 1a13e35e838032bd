import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { startApp, type StartAppOptions, type TestApp } from '../support/start-app.js';
import { hourlyProgrammes, xmltvDocument } from '../xmltv/guide-fixture.js';
import { adminPassword } from '../auth/auth-fixture.js';

const guide = xmltvDocument(
  [
    { id: 'up1.test', names: ['Uploaded One'] },
    { id: 'up2.test', names: ['Uploaded Two'] },
  ],
  hourlyProgrammes(['up1.test', 'up2.test'], 3),
);

describe('POST /api/xmltv-sources/upload', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });
  const open = async (options: StartAppOptions = {}) => (t = await startApp(options));
  const guidesDir = (app: TestApp) => join(app.dataDir, 'guides');
  const filesIn = (app: TestApp) => {
    try {
      return readdirSync(guidesDir(app));
    } catch {
      return [];
    }
  };
  const upload = (
    app: TestApp,
    body: Buffer | string | ReadableStream,
    type: string,
    name = 'My upload',
    headers: Record<string, string> = {},
  ) =>
    fetch(`${app.url}/api/xmltv-sources/upload?name=${encodeURIComponent(name)}`, {
      method: 'POST',
      headers: { 'content-type': type, ...headers },
      body,
      // A stream body goes chunked, without a Content-Length.
      ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
    });

  for (const [what, body, type, extension] of [
    ['an .xml file', Buffer.from(guide), 'application/xml', '.xml'],
    ['an .xml.gz file', gzipSync(guide), 'application/gzip', '.xml.gz'],
  ] as const) {
    it(`saves ${what} under a generated name in guides/, creates a file source, and it imports`, async () => {
      const app = await open();
      const res = await upload(app, body, type, '../../etc/passwd');
      expect(res.status).toBe(201);
      const source = (await res.json()) as { id: number; name: string; url: string; channels: number };
      expect(source.name).toBe('../../etc/passwd');
      const files = filesIn(app);
      expect(files).toHaveLength(1);
      expect(files[0]).toMatch(new RegExp(`^upload-\\d+-[0-9a-f]{12}${extension.replace('.', '\\.')}$`));
      expect(source.url).toBe(join(guidesDir(app), files[0]!));

      const refresh = await app.app.inject({ method: 'POST', url: `/api/xmltv-sources/${source.id}/refresh` });
      expect(refresh.statusCode).toBe(200);
      expect(refresh.json()).toMatchObject({ channels: 2, programmes: 6 });
      const channels = (await app.app.inject({ url: '/api/channels' })).json<{ items: { channelId: string }[] }>();
      expect(channels.items.map((c) => c.channelId).sort()).toEqual(['up1.test', 'up2.test']);
    });
  }

  it('refuses an upload past the cap with 413 and leaves no file, streamed or with a Content-Length', async () => {
    const app = await open({ config: { guideUploadMaxBytes: 64 * 1024 } });
    const big = Buffer.alloc(200 * 1024, 'x');
    const declared = await upload(app, big, 'application/octet-stream');
    expect(declared.status).toBe(413);
    expect(await declared.json()).toEqual({ error: 'guide file larger than 64 KiB' });

    const chunks = [big.subarray(0, 50 * 1024), big.subarray(50 * 1024, 120 * 1024), big.subarray(120 * 1024)];
    const stream = new ReadableStream({
      pull(controller) {
        const next = chunks.shift();
        if (next) controller.enqueue(next);
        else controller.close();
      },
    });
    const streamed = await upload(app, stream, 'application/octet-stream');
    expect(streamed.status).toBe(413);
    expect(filesIn(app)).toEqual([]);
    expect((await app.app.inject({ url: '/api/xmltv-sources' })).json()).toEqual([]);
    // An upload under the cap still works after.
    expect((await upload(app, Buffer.from(guide), 'text/xml')).status).toBe(201);
  });

  it('refuses other content types, an empty file and a missing name', async () => {
    const app = await open();
    expect((await upload(app, Buffer.from(guide), 'text/plain')).status).toBe(415);
    const empty = await upload(app, Buffer.alloc(0), 'application/xml');
    expect(empty.status).toBe(400);
    const noName = await fetch(`${app.url}/api/xmltv-sources/upload`, {
      method: 'POST',
      headers: { 'content-type': 'application/xml' },
      body: guide,
    });
    expect(noName.status).toBe(400);
    expect(filesIn(app)).toEqual([]);
  });

  it('takes an upload from a cookie session (no JSON type needed) but not cross-site', async () => {
    const app = await open();
    await app.domains.auth.setPassword(adminPassword, 'cli');
    const login = await fetch(`${app.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ password: adminPassword }),
    });
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const ok = await upload(app, Buffer.from(guide), 'application/xml', 'Cookie upload', { cookie });
    expect(ok.status).toBe(201);
    const cross = await upload(app, Buffer.from(guide), 'application/xml', 'Cross', {
      cookie,
      origin: 'http://evil.example',
    });
    expect(cross.status).toBe(403);
    const form = await upload(app, Buffer.from(guide), 'text/plain', 'Form', { cookie });
    expect(form.status).toBe(403);
    expect(filesIn(app)).toHaveLength(1);
  });
});
