import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KeyringBackend } from '../../src/credentials/index.js';
import { liveStream, startFakeProvider, type FakeProvider } from '../support/fake-xtream-provider.js';
import { startApp, type TestApp } from '../support/start-app.js';

const password = 'p@ss/w:rd?#&';
const accountKeys = [
  'activeConnections',
  'expiresAt',
  'id',
  'isActive',
  'lastCheckedAt',
  'maxConnections',
  'name',
  'serverUrl',
  'status',
  'username',
];

function memoryKeyring(): KeyringBackend & { entries: Map<string, string> } {
  const entries = new Map<string, string>();
  return {
    entries,
    setPassword: (account, value) => void entries.set(account, value),
    getPassword: (account) => entries.get(account) ?? null,
    deletePassword: (account) => void entries.delete(account),
  };
}

describe('accounts API', () => {
  let provider: FakeProvider;
  let t: TestApp;
  let keyring: ReturnType<typeof memoryKeyring>;
  const create = (body: Record<string, unknown> = {}) =>
    t.app.inject({
      method: 'POST',
      url: '/api/accounts',
      payload: { name: 'Alice TV', serverUrl: `${provider.url}/`, username: 'alice', password, ...body },
    });

  beforeEach(async () => {
    provider = await startFakeProvider({
      accounts: [
        {
          username: 'alice',
          password,
          userInfo: { max_connections: '4', active_cons: '1', exp_date: '1893456000' },
          categories: [{ category_id: '1', category_name: 'UK' }],
          streams: [
            liveStream(1, 'UK: BBC One HD'),
            liveStream(2, 'UK: BBC One SD'),
            liveStream(3, 'UK: ITV 1'),
            liveStream(4, 'UK: Channel 4 FHD'),
          ],
        },
      ],
    });
    keyring = memoryKeyring();
    t = await startApp({ listen: false, deps: { keyring } });
  });
  afterEach(async () => {
    await t.close();
    await provider.close();
  });

  it('creates an account (201) showing only allow-listed fields, never the password', async () => {
    const res = await create();
    expect(res.statusCode).toBe(201);
    const body = res.json<Record<string, unknown> & { id: number }>();
    expect(Object.keys(body).sort()).toEqual(accountKeys);
    expect(body).toMatchObject({
      name: 'Alice TV',
      serverUrl: provider.url,
      username: 'alice',
      maxConnections: 1,
      isActive: true,
      status: 'unchecked',
    });
    expect(res.body).not.toContain(password);
    expect([...keyring.entries.values()]).toEqual([password]);
    const list = await t.app.inject({ method: 'GET', url: '/api/accounts' });
    expect(list.json()).toEqual([body]);
    expect((await t.app.inject({ method: 'GET', url: `/api/accounts/${body.id}` })).json()).toEqual(body);
  });

  it('tests the account against the provider and stores status, expiry and the provider limit', async () => {
    const { id } = (await create()).json<{ id: number }>();
    const res = await t.app.inject({ method: 'POST', url: `/api/accounts/${id}/test` });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      status: 'Active',
      maxConnections: 4,
      activeConnections: 1,
      expiresAt: '2030-01-01T00:00:00.000Z',
      lastCheckedAt: expect.any(String),
    });
    expect(provider.requests.at(-1)).toMatchObject({ path: '/player_api.php', username: 'alice', password });
  });

  it('refuses to move the stored password to a new serverUrl or username without the password', async () => {
    const other = await startFakeProvider({ accounts: [{ username: 'alice', password: 'other-pass' }] });
    try {
      const { id } = (await create()).json<{ id: number }>();
      for (const payload of [
        { serverUrl: other.url },
        { username: 'mallory' },
        { serverUrl: other.url, name: 'Renamed' },
      ]) {
        const res = await t.app.inject({ method: 'PATCH', url: `/api/accounts/${id}`, payload });
        expect(res.statusCode, JSON.stringify(payload)).toBe(400);
        expect(res.json()).toEqual({ error: 'changing serverUrl or username needs the password' });
      }
      // Nothing changed, and the next check still goes to the original provider only.
      expect(t.domains.accounts.get(id)).toMatchObject({
        serverUrl: provider.url,
        username: 'alice',
        name: 'Alice TV',
      });
      expect((await t.app.inject({ method: 'POST', url: `/api/accounts/${id}/test` })).statusCode).toBe(200);
      expect(provider.requests.at(-1)).toMatchObject({ path: '/player_api.php', username: 'alice', password });
      expect(other.requests).toEqual([]);

      // The same server and user, however written, is no change.
      const same = await t.app.inject({
        method: 'PATCH',
        url: `/api/accounts/${id}`,
        payload: { serverUrl: `${provider.url}/player_api.php`, username: 'alice', name: 'Same' },
      });
      expect(same.statusCode).toBe(200);
      expect(same.json()).toMatchObject({ name: 'Same', status: 'Active' });

      // With the password the move is the user's own: the new host gets the requests.
      const moved = await t.app.inject({
        method: 'PATCH',
        url: `/api/accounts/${id}`,
        payload: { serverUrl: other.url, password: 'other-pass' },
      });
      expect(moved.statusCode).toBe(200);
      expect(moved.json()).toMatchObject({ serverUrl: other.url, status: 'unchecked' });
      const before = provider.requests.length;
      expect((await t.app.inject({ method: 'POST', url: `/api/accounts/${id}/test` })).statusCode).toBe(200);
      expect(other.requests.at(-1)).toMatchObject({
        path: '/player_api.php',
        username: 'alice',
        password: 'other-pass',
      });
      expect(provider.requests).toHaveLength(before);
    } finally {
      await other.close();
    }
  });

  it('lets a user-set maxConnections override the provider, and null restore it', async () => {
    const { id } = (await create({ maxConnections: 2 })).json<{ id: number }>();
    await t.app.inject({ method: 'POST', url: `/api/accounts/${id}/test` });
    expect((await t.app.inject({ method: 'GET', url: `/api/accounts/${id}` })).json()).toMatchObject({
      maxConnections: 2,
    });
    const patched = await t.app.inject({
      method: 'PATCH',
      url: `/api/accounts/${id}`,
      payload: { maxConnections: null, name: 'Renamed', isActive: false },
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({ maxConnections: 4, name: 'Renamed', isActive: false });
  });

  it('replaces the stored secret when the password changes, and the new one is used', async () => {
    const { id } = (await create()).json<{ id: number }>();
    provider.setAccount({ username: 'alice', password: 'new-secret' });
    const patched = await t.app.inject({
      method: 'PATCH',
      url: `/api/accounts/${id}`,
      payload: { password: 'new-secret' },
    });
    expect(patched.json()).toMatchObject({ status: 'unchecked' });
    expect([...keyring.entries.values()]).toEqual(['new-secret']);
    expect(t.domains.accounts.streamCredentials(id)).toEqual({
      serverUrl: provider.url,
      username: 'alice',
      password: 'new-secret',
    });
    expect((await t.app.inject({ method: 'POST', url: `/api/accounts/${id}/test` })).statusCode).toBe(200);
  });

  it('scans and lists provider channels with their variants, paged', async () => {
    const { id } = (await create()).json<{ id: number }>();
    const scan = await t.app.inject({ method: 'POST', url: `/api/accounts/${id}/scan` });
    expect(scan.statusCode).toBe(200);
    expect(scan.json()).toMatchObject({ accountId: id, streams: 4, channels: 3, removedChannels: [] });
    const page = await t.app.inject({ method: 'GET', url: `/api/accounts/${id}/channels?limit=2&offset=0` });
    const body = page.json<{ items: { name: string; qualities: string[]; variants: unknown[] }[]; total: number }>();
    expect(body.total).toBe(3);
    expect(body.items.map((c) => c.name)).toEqual(['UK: BBC One', 'UK: Channel 4']);
    expect(body.items[0]).toMatchObject({
      qualities: ['HD', 'SD'],
      variants: [
        { tier: 'HD', streamId: 1, name: 'UK: BBC One HD' },
        { tier: 'SD', streamId: 2, name: 'UK: BBC One SD' },
      ],
    });
    const rest = await t.app.inject({ method: 'GET', url: `/api/accounts/${id}/channels?limit=100000&offset=2` });
    expect(rest.json<{ items: { name: string }[] }>().items.map((c) => c.name)).toEqual(['UK: ITV 1']);
    expect((await t.app.inject({ method: 'GET', url: `/api/accounts/${id}/channels?limit=100001` })).statusCode).toBe(
      400,
    );
  });

  it('deletes an account with its channels and its keyring entry', async () => {
    const { id } = (await create()).json<{ id: number }>();
    await t.app.inject({ method: 'POST', url: `/api/accounts/${id}/scan` });
    const del = await t.app.inject({ method: 'DELETE', url: `/api/accounts/${id}` });
    expect(del.statusCode).toBe(204);
    expect(keyring.entries.size).toBe(0);
    expect((await t.app.inject({ method: 'GET', url: `/api/accounts/${id}` })).json()).toEqual({
      error: 'account not found',
    });
    expect((await t.app.inject({ method: 'GET', url: `/api/accounts/${id}/channels` })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'DELETE', url: `/api/accounts/${id}` })).statusCode).toBe(404);
  });

  it('reports provider failures as opaque JSON errors and records the status', async () => {
    const { id } = (await create({ password: 'wrong' })).json<{ id: number }>();
    const res = await t.app.inject({ method: 'POST', url: `/api/accounts/${id}/test` });
    expect(res.statusCode).toBe(502);
    expect(res.json()).toEqual({ error: 'provider rejected the credentials' });
    expect((await t.app.inject({ method: 'GET', url: `/api/accounts/${id}` })).json()).toMatchObject({
      status: 'error',
      lastCheckedAt: expect.any(String),
    });
    provider.overrideApi('get_live_streams', { body: '<html>Cloudflare error</html>', contentType: 'text/html' });
    const scan = await t.app.inject({ method: 'POST', url: `/api/accounts/${id}/scan` });
    expect(scan.statusCode).toBe(502);
    expect(scan.json()).toEqual({ error: 'provider sent an invalid response' });
  });

  it('rejects invalid input with a 400 and a message', async () => {
    const cases: [string, Record<string, unknown>][] = [
      ['unknown field', { extra: 1 }],
      ['wrong type', { maxConnections: '2' }],
      ['zero limit', { maxConnections: 0 }],
      ['ftp url', { serverUrl: 'ftp://prov.example' }],
      ['not a url', { serverUrl: 'prov.example:8080' }],
      ['empty name', { name: '' }],
      ['password not a string', { password: 1234 }],
    ];
    for (const [what, body] of cases) {
      const res = await create(body);
      expect(res.statusCode, what).toBe(400);
      expect(res.json<{ error: string }>().error, what).toMatch(/invalid request|must/);
    }
    const missing = await t.app.inject({
      method: 'POST',
      url: '/api/accounts',
      payload: { name: 'x', serverUrl: 'http://a.b' },
    });
    expect(missing.statusCode).toBe(400);
    expect((await t.app.inject({ method: 'GET', url: '/api/accounts/abc' })).statusCode).toBe(400);
    const { id } = (await create()).json<{ id: number }>();
    const patch = await t.app.inject({
      method: 'PATCH',
      url: `/api/accounts/${id}`,
      payload: { password: 'x', status: 'Active' },
    });
    expect(patch.statusCode).toBe(400);
    expect(
      (await t.app.inject({ method: 'PATCH', url: `/api/accounts/${id}`, payload: { isActive: 'yes' } })).statusCode,
    ).toBe(400);
    expect((await t.app.inject({ method: 'GET', url: `/api/accounts/${id}/channels?limit=10&foo=1` })).statusCode).toBe(
      400,
    );
    expect(keyring.entries.size).toBe(1); // rejected requests stored nothing
  });
});
