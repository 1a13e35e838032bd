import { afterEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { continuityOf, decodeTimeOf, hasPayload, pidOf } from '../../src/mpegts/index.js';
import { liveStream, startFakeProvider, type FakeProvider } from './fake-xtream-provider.js';

describe('fake Xtream provider', () => {
  let provider: FakeProvider;
  afterEach(() => provider.close());

  it('serves player_api JSON for a known account and auth 0 otherwise', async () => {
    provider = await startFakeProvider({
      accounts: [{ username: 'u', password: 'p', streams: [liveStream(7, 'UK: BBC One HD')] }],
    });
    const ok = await (await request(`${provider.url}/player_api.php?username=u&password=p`)).body.json();
    expect(ok).toMatchObject({ user_info: { auth: 1, status: 'Active' } });
    const streams = await (
      await request(`${provider.url}/player_api.php?username=u&password=p&action=get_live_streams`)
    ).body.json();
    expect(streams).toEqual([expect.objectContaining({ stream_id: 7, name: 'UK: BBC One HD' })]);
    const bad = await (await request(`${provider.url}/player_api.php?username=u&password=x`)).body.json();
    expect(bad).toEqual({ user_info: { auth: 0 } });
  });

  it('serves finite MPEG-TS made of 188-byte packets and records the stream id', async () => {
    provider = await startFakeProvider({
      accounts: [{ username: 'u', password: 'p' }],
      defaultStream: { totalBytes: 188 * 1000, unpaced: true },
    });
    const res = await request(`${provider.url}/live/u/p/42.ts`);
    const bytes = Buffer.from(await res.body.arrayBuffer());
    expect(res.statusCode).toBe(200);
    expect(bytes.length).toBe(188 * 1000);
    for (let i = 0; i < bytes.length; i += 188) expect(bytes[i]).toBe(0x47);
    expect(provider.streamRequests().map((r) => r.streamId)).toEqual([42]);
  });

  it('loops a recording as one stream (timestamps rising, continuity counters going on); backup.mpegts on request', async () => {
    provider = await startFakeProvider({ accounts: [{ username: 'u', password: 'p' }] });
    provider.setStream(1, { totalBytes: 188 * 295 * 3, bitrate: 50_000_000 }); // three loops of sample.mpegts
    provider.setStream(2, { totalBytes: 188 * 10, recording: 'backup', bitrate: 50_000_000 });
    const bytes = Buffer.from(await (await request(`${provider.url}/live/u/p/1.ts`)).body.arrayBuffer());
    expect(bytes.length).toBe(188 * 295 * 3);
    const lastTime = new Map<number, number>();
    const lastCc = new Map<number, number>();
    for (let at = 0; at < bytes.length; at += 188) {
      const pid = pidOf(bytes, at);
      const time = decodeTimeOf(bytes, at);
      if (time !== undefined) {
        expect(time).toBeGreaterThan(lastTime.get(pid) ?? -1);
        lastTime.set(pid, time);
      }
      const cc = lastCc.get(pid);
      if (cc !== undefined && hasPayload(bytes, at)) expect(continuityOf(bytes, at)).toBe((cc + 1) & 15);
      if (hasPayload(bytes, at)) lastCc.set(pid, continuityOf(bytes, at));
    }
    const backup = Buffer.from(await (await request(`${provider.url}/live/u/p/2.ts`)).body.arrayBuffer());
    expect(backup.equals(bytes.subarray(0, 188 * 10))).toBe(false);
  });

  it('refuses streams with wrong credentials', async () => {
    provider = await startFakeProvider({ accounts: [{ username: 'u', password: 'p' }] });
    const res = await request(`${provider.url}/live/u/wrong/42.ts`);
    await res.body.dump();
    expect(res.statusCode).toBe(403);
  });
});
