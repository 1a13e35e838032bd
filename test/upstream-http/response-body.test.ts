import { request } from 'undici';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  BodyTooLargeError,
  capBody,
  createUpstreamAgent,
  discardBody,
  readCapped,
} from '../../src/upstream-http/index.js';
import { startLoopbackServer, type LoopbackServer } from './loopback-server.js';

/** Reading bodies from a real node:http server: the cap, and that a body we stop reading lets its connection go. */
describe('readCapped, capBody and discardBody', () => {
  const agent = createUpstreamAgent({ connectTimeoutMs: 2000 });
  let server: LoopbackServer;
  /** Resolves when the server saw the client go away before the response was finished. */
  let clientGone: Promise<void>;
  afterEach(() => server.close());
  afterAll(() => agent.close());

  /** Serves `size` bytes of 'x' in 1 KiB chunks at every path; with `endless`, keeps sending until the client leaves. */
  async function serve(size: number, endless = false): Promise<string> {
    let gone!: () => void;
    clientGone = new Promise((resolve) => (gone = resolve));
    server = await startLoopbackServer((_req, res) => {
      res.on('close', () => {
        if (!res.writableFinished) gone();
      });
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      let sent = 0;
      const pump = () => {
        while (endless || sent < size) {
          sent += 1024;
          if (!res.write(Buffer.alloc(1024, 'x'))) return void res.once('drain', pump);
        }
        res.end();
      };
      pump();
    });
    return server.url;
  }

  it('reads a body up to its cap whole', async () => {
    const url = await serve(8 * 1024);
    const { body } = await request(url, { dispatcher: agent });
    const bytes = await readCapped(body, 8 * 1024);
    expect(bytes.length).toBe(8 * 1024);
    expect(bytes.toString('latin1')).toMatch(/^x+$/);
  });

  it('throws BodyTooLargeError past the cap and drops the connection, even of an endless body', async () => {
    const url = await serve(0, true);
    const { body } = await request(url, { dispatcher: agent });
    const error = await readCapped(body, 4096).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BodyTooLargeError);
    expect(error).toMatchObject({ maxBytes: 4096 });
    expect(body.destroyed).toBe(true);
    await clientGone;
  });

  it('capBody passes chunks on and releases the body when the reader stops early', async () => {
    const url = await serve(0, true);
    const { body } = await request(url, { dispatcher: agent });
    let read = 0;
    for await (const chunk of capBody(body, 1024 ** 3)) {
      read += chunk.length;
      if (read >= 4096) break;
    }
    expect(body.destroyed).toBe(true);
    await clientGone;
  });

  it('discardBody drops an unread body without an uncaught error', async () => {
    const url = await serve(0, true);
    const { body } = await request(url, { dispatcher: agent });
    discardBody(body);
    await clientGone;
    expect(body.destroyed).toBe(true);
  });
});
