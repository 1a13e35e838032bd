import { Agent, request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { buildStreamUrl, providerBase } from '../../src/xtream/index.js';
import { startFakeProvider, type FakeProvider } from '../support/fake-xtream-provider.js';

const password = 'p@ss/w:rd?#&';

describe('buildStreamUrl', () => {
  it('percent-encodes user and password, and keeps a path prefix without doubling slashes', () => {
    expect(buildStreamUrl('http://prov.example:8080', 'al ice', password, 7)).toBe(
      'http://prov.example:8080/live/al%20ice/p%40ss%2Fw%3Ard%3F%23%26/7.ts',
    );
    expect(buildStreamUrl('http://prov.example:8080/', 'u', 'p', 7)).toBe('http://prov.example:8080/live/u/p/7.ts');
    expect(buildStreamUrl('https://prov.example/xc//', 'u', 'p', 7)).toBe('https://prov.example/xc/live/u/p/7.ts');
    expect(buildStreamUrl('http://prov.example/xc/player_api.php', 'u', 'p', 7)).toBe(
      'http://prov.example/xc/live/u/p/7.ts',
    );
  });

  it('rejects what is not a URL', () => {
    expect(() => providerBase('not a url')).toThrow();
  });

  describe('against the fake provider', () => {
    let provider: FakeProvider | undefined;
    afterEach(async () => {
      await provider?.close();
      provider = undefined;
    });

    for (const https of [false, true]) {
      it(`delivers the exact credentials and stream id over ${https ? 'https' : 'http'} with a path prefix`, async () => {
        provider = await startFakeProvider({
          https,
          pathPrefix: '/xc',
          accounts: [{ username: 'us er@x', password }],
          defaultStream: { totalBytes: 188 * 10 },
        });
        const dispatcher = new Agent({ connect: { ca: provider.certificate } });
        try {
          const res = await request(buildStreamUrl(`${provider.url}/`, 'us er@x', password, 4242), { dispatcher });
          const body = Buffer.from(await res.body.arrayBuffer());
          expect(res.statusCode).toBe(200);
          expect(body.length).toBe(1880);
          expect(body[0]).toBe(0x47);
        } finally {
          await dispatcher.close();
        }
        expect(provider.streamRequests()).toEqual([
          expect.objectContaining({ streamId: 4242, username: 'us er@x', password }),
        ]);
      });
    }
  });
});
