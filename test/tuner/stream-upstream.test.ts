import { readFileSync } from 'node:fs';
import { Agent } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import type { KeyringBackend } from '../../src/credentials/index.js';
import { fixturePath } from '../support/paths.js';
import { openStream, startStreamFixture, waitUntil, type StreamFixture } from '../streaming/stream-fixture.js';

/** Seed story 4-4, groups "URL format and parameters" and "password decryption". */
describe('stream proxy: upstream URL format', () => {
  let f: StreamFixture;
  let agent: Agent | undefined;
  afterEach(async () => {
    await f.close();
    await agent?.close();
    agent = undefined;
  });

  /** Plays the channel briefly; returns the first stream request the provider received. */
  async function play(channelId: string) {
    const res = await openStream(`${f.t.url}/stream/${encodeURIComponent(channelId)}`);
    expect(res.status).toBe(200);
    await res.waitForBytes(188);
    expect(res.head()[0]).toBe(0x47);
    res.close();
    await waitUntil(() => f.t.domains.streaming.sessions.size === 0, 1000, 'session end');
    return f.provider.streamRequests()[0]!;
  }

  it('requests {server}/live/{user}/{pass}/{stream_id}.ts (MPEG-TS) with our User-Agent', async () => {
    f = await startStreamFixture({ app: { config: { userAgent: 'Tunerbridge-Test/1' } } });
    f.addChannel('bbc1.uk', [{ streamId: 501, tier: 'HD' }]);
    const request = await play('bbc1.uk');
    expect(request.method).toBe('GET');
    expect(request.path).toBe(`/live/${f.username}/${f.password}/501.ts`);
    expect(request.userAgent).toBe('Tunerbridge-Test/1');
  });

  it('keeps a provider path prefix and drops a pasted player_api.php', async () => {
    f = await startStreamFixture({ provider: { pathPrefix: '/xc' } });
    f.db
      .prepare('UPDATE accounts SET server_url = ? WHERE id = ?')
      .run(`${f.provider.url}/player_api.php`, f.accountId);
    f.addChannel('bbc1.uk', [{ streamId: 502, tier: 'HD' }]);
    expect((await play('bbc1.uk')).path).toBe(`/xc/live/${f.username}/${f.password}/502.ts`);
  });

  it('encodes special characters in the credentials so they arrive intact', async () => {
    const username = 'user+1@home tv';
    const password = 'p@ss/w:rd?#&%=é ü';
    f = await startStreamFixture({ username, password });
    f.addChannel('bbc1.uk', [{ streamId: 503, tier: 'HD' }]);
    const request = await play('bbc1.uk');
    expect(request.username).toBe(username);
    expect(request.password).toBe(password);
    expect(request.streamId).toBe(503);
  });

  it('streams from an HTTPS provider, verifying its certificate', async () => {
    // Without the certificate trusted, the TLS handshake fails: 503, not a silently insecure stream.
    f = await startStreamFixture({ provider: { https: true } });
    f.addChannel('secure.uk', [{ streamId: 504, tier: 'FHD' }]);
    expect(f.provider.url).toMatch(/^https:/);
    const untrusted = await openStream(`${f.t.url}/stream/secure.uk`);
    expect(untrusted.status).toBe(503);
    await f.close();

    agent = new Agent({ connect: { ca: readFileSync(fixturePath('localhost-cert.pem'), 'utf8') } });
    f = await startStreamFixture({ provider: { https: true }, app: { deps: { dispatcher: agent } } });
    f.addChannel('secure.uk', [{ streamId: 504, tier: 'FHD' }]);
    const request = await play('secure.uk');
    expect(request.path).toBe(`/live/${f.username}/${f.password}/504.ts`);
  });

  it('streams from a plain HTTP provider', async () => {
    f = await startStreamFixture();
    expect(f.provider.url).toMatch(/^http:/);
    f.addChannel('plain.uk', [{ streamId: 505, tier: 'SD' }]);
    expect((await play('plain.uk')).streamId).toBe(505);
  });
});

/** An in-memory OS keyring that counts reads; `broken` makes every call throw like a missing Secret Service. */
function memoryKeyring(broken = false): KeyringBackend & { reads: number; entries: Map<string, string> } {
  const entries = new Map<string, string>();
  const fail = () => {
    throw new Error("Couldn't access platform storage");
  };
  return {
    entries,
    reads: 0,
    setPassword(account, password) {
      if (broken) fail();
      entries.set(account, password);
    },
    getPassword(account) {
      if (broken) fail();
      this.reads++;
      return entries.get(account) ?? null;
    },
    deletePassword(account) {
      entries.delete(account);
    },
  };
}

describe('stream proxy: password decryption', () => {
  let f: StreamFixture;
  afterEach(() => f.close());

  function storedSecret(): { password_backend: string; password_secret: string } {
    return f.db.prepare('SELECT password_backend, password_secret FROM accounts WHERE id = ?').get(f.accountId) as {
      password_backend: string;
      password_secret: string;
    };
  }

  async function streamStatus(channelId: string): Promise<number> {
    const res = await openStream(`${f.t.url}/stream/${channelId}`);
    if (res.status === 200) await res.waitForBytes(1);
    res.close();
    return res.status;
  }

  it('decrypts an AES-encrypted password before streaming (no keyring)', async () => {
    f = await startStreamFixture({ password: 'aes-only-Pa55' });
    expect(storedSecret().password_backend).toBe('aes');
    expect(storedSecret().password_secret).not.toContain('aes-only-Pa55');
    f.addChannel('bbc1.uk', [{ streamId: 601, tier: 'HD' }]);
    // The fake provider answers 403 to a wrong password, so a 200 proves the decrypted value is right.
    expect(await streamStatus('bbc1.uk')).toBe(200);
    expect(f.provider.streamRequests()[0]!.password).toBe('aes-only-Pa55');
  });

  it('reads the password from the keyring when the account is stored there', async () => {
    const keyring = memoryKeyring();
    f = await startStreamFixture({ password: 'in-the-keyring', app: { deps: { keyring } } });
    expect(storedSecret().password_backend).toBe('keyring');
    expect(storedSecret().password_secret).not.toContain('in-the-keyring');
    f.addChannel('bbc1.uk', [{ streamId: 602, tier: 'HD' }]);
    const readsBefore = keyring.reads;
    expect(await streamStatus('bbc1.uk')).toBe(200);
    expect(keyring.reads).toBeGreaterThan(readsBefore);
    expect(f.provider.streamRequests()[0]!.password).toBe('in-the-keyring');
  });

  it('falls back to AES when the keyring fails, and still streams', async () => {
    f = await startStreamFixture({ password: 'fallback-Pa55', app: { deps: { keyring: memoryKeyring(true) } } });
    expect(storedSecret().password_backend).toBe('aes');
    f.addChannel('bbc1.uk', [{ streamId: 603, tier: 'HD' }]);
    expect(await streamStatus('bbc1.uk')).toBe(200);
    expect(f.provider.streamRequests()[0]!.password).toBe('fallback-Pa55');
  });

  it('fails opaquely, frees the slot and never contacts the provider when the password is lost', async () => {
    const keyring = memoryKeyring();
    f = await startStreamFixture({ password: 'soon-lost', app: { deps: { keyring } } });
    f.addChannel('bbc1.uk', [{ streamId: 604, tier: 'HD' }]);
    keyring.entries.clear();
    const res = await f.t.app.inject({ method: 'GET', url: '/stream/bbc1.uk' });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({ error: 'account password unavailable' });
    expect(f.provider.streamRequests()).toHaveLength(0);
    expect(f.t.domains.streaming.slots.inUse(f.accountId)).toBe(0);
    expect(f.t.domains.streaming.sessions.size).toBe(0);
  });
});
