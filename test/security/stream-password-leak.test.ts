import { afterEach, describe, expect, it } from 'vitest';
import type { StreamFault } from '../support/fake-xtream-provider.js';
import { openStream, startStreamFixture, waitUntil, type StreamFixture } from '../streaming/stream-fixture.js';

// Distinctive, and with characters that URL-encoding changes, so both spellings are looked for.
const password = 'Canary/Pw?9f3a&x y';
const needles = [password, encodeURIComponent(password), encodeURI(password), 'Canary'];

/**
 * Streaming builds URLs that contain the password. Whatever happens to a stream (played, zapped
 * away, redirected, refused, timed out, broken mid-stream, over the limit), the password must not
 * reach a log line, an event, an API response or an error body.
 */
describe('no password leak while streaming', () => {
  let f: StreamFixture;
  afterEach(() => f.close());

  it('keeps the password out of logs, events, error bodies and the sessions API', async () => {
    f = await startStreamFixture({
      username: 'leaktest',
      password,
      maxConnections: 1,
      app: { config: { upstreamConnectTimeoutMs: 300, tunerWaitMs: 100 } },
    });
    const faults: [number, StreamFault | undefined][] = [
      [901, undefined],
      [902, { kind: 'redirect', status: 302 }],
      [903, { kind: 'status', status: 403, body: `bad password ${password}` }],
      [904, { kind: 'refuse' }],
      [905, { kind: 'stall' }],
      [906, { kind: 'close-early', afterBytes: 188 * 100 }],
    ];
    for (const [streamId, fault] of faults) {
      if (fault) f.provider.setStream(streamId, { fault });
      f.addChannel(`ch${streamId}.uk`, [{ streamId, tier: 'HD' }]);
    }
    const seen: string[] = [];
    for (const [streamId] of faults) {
      const client = await openStream(`${f.t.url}/stream/ch${streamId}.uk`);
      if (client.status === 200) {
        await client.waitForBytes(188).catch(() => undefined);
        seen.push((await f.t.app.inject({ method: 'GET', url: '/api/sessions' })).body);
        if (streamId === 901) {
          // Over the limit while the endless stream plays (the others may have ended already).
          const busy = await openStream(`${f.t.url}/stream/ch902.uk`);
          expect(busy.status).toBe(503);
          seen.push(JSON.stringify(busy.headers), await busy.text());
        }
        client.close();
      } else {
        expect(client.status).toBe(503);
        seen.push(JSON.stringify(client.headers), await client.text());
      }
      await waitUntil(() => f.t.domains.streaming.sessions.size === 0, 2000, 'session end');
    }
    // An unreachable server too: its connect error names the address, never the path.
    f.db.prepare('UPDATE accounts SET server_url = ? WHERE id = ?').run('http://127.0.0.1:9', f.accountId);
    seen.push(await (await openStream(`${f.t.url}/stream/ch901.uk`)).text());

    // The scenarios really ran: the provider was asked with the password, and events were written.
    expect(f.provider.streamRequests().some((r) => r.password === password)).toBe(true);
    const events = (await f.t.app.inject({ method: 'GET', url: '/api/events?limit=1000' })).body;
    expect(events).toContain('Upstream unavailable');
    expect(events).toContain('All tuners in use');
    expect(events).toContain('/live/***/***/');
    seen.push(events, ...f.t.logs);
    const rows = f.db.prepare('SELECT message, details FROM event_log').all();
    seen.push(JSON.stringify(rows));

    const everything = seen.join('\n');
    for (const needle of needles) expect(everything).not.toContain(needle);
  });
});
