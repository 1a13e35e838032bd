import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger, systemClock } from '../../src/core/index.js';
import { openDatabase, type Db } from '../../src/db/index.js';
import { EventLog } from '../../src/events/index.js';
import { SessionRegistry, Viewer } from '../../src/streaming/index.js';
import { makeTempDir } from '../support/temp-dir.js';

/** A viewer on its own: teardown happens once whatever ends it, and a finished stream is flushed. */
describe('viewer teardown', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let db: Db;
  let events: EventLog;
  beforeEach(() => {
    temp = makeTempDir();
    db = openDatabase(join(temp.path, 'test.db'));
    events = new EventLog(db, systemClock, createLogger('silent'));
  });
  afterEach(() => {
    db.close();
    temp.remove();
  });

  function newViewer(registry: SessionRegistry, left: Viewer[]): Viewer {
    return new Viewer(
      {
        id: 's1',
        channelId: 'bbc1.uk',
        accountId: 1,
        streamId: 101,
        tier: 'HD',
        clientAddress: '127.0.0.1',
        state: 'connecting',
        startedAt: Date.now(),
        bytesSent: 0,
      },
      {
        registry,
        events,
        log: createLogger('silent'),
        clock: systemClock,
        onEnd: (v) => left.push(v),
        onDrain: () => undefined,
      },
    );
  }

  it('leaves the registry and the hub and closes the client exactly once, whatever ends it', async () => {
    const registry = new SessionRegistry();
    const left: Viewer[] = [];
    const viewer = newViewer(registry, left);
    const client = new PassThrough();
    const relaying = viewer.relayTo(client);
    viewer.push(Buffer.alloc(188, 0x47));
    expect(registry.size).toBe(1);
    viewer.end('client-closed');
    viewer.end('upstream-error');
    viewer.end('shutdown');
    expect(await relaying).toBe('client-closed');
    expect(left).toEqual([viewer]);
    expect(registry.size).toBe(0);
    expect(client.destroyed).toBe(true);
    const ended = events.list({ category: 'stream' }).items.filter((e) => e.message === 'Stream ended');
    expect(ended).toHaveLength(1);
    expect(ended[0]!.details).toMatchObject({ sessionId: 's1', reason: 'client-closed', bytesSent: 188 });
  });

  it('ends with upstream-ended when the stream is over, and the client gets every byte', async () => {
    const registry = new SessionRegistry();
    const viewer = newViewer(registry, []);
    const chunks: Buffer[] = [];
    const client = new PassThrough({ highWaterMark: 100 }); // backed up at once: the rest waits in the queue
    client.on('data', (c: Buffer) => chunks.push(c));
    const relaying = viewer.relayTo(client);
    client.pause();
    viewer.push(Buffer.alloc(188, 1));
    viewer.push(Buffer.alloc(188, 2));
    viewer.end('upstream-ended', true);
    client.resume();
    expect(await relaying).toBe('upstream-ended');
    expect(Buffer.concat(chunks).length).toBe(376);
    expect(viewer.info.bytesSent).toBe(376);
    expect(registry.size).toBe(0);
  });

  it('is disconnected when it keeps falling behind (a client that stopped reading)', async () => {
    const registry = new SessionRegistry();
    const viewer = newViewer(registry, []);
    const client = new PassThrough();
    const relaying = viewer.relayTo(client); // nobody reads the client
    const chunk = Buffer.alloc(188 * 1000, 0x47);
    let skips = 0;
    while (!viewer.isEnded && skips < 10) {
      if (viewer.push(chunk)) continue;
      viewer.skipForward(undefined);
      skips++;
    }
    expect(await relaying).toBe('too-slow');
    expect(skips).toBe(3);
    const slow = events.list({ category: 'stream' }).items.find((e) => e.message === 'Viewer too slow');
    expect(slow?.details).toMatchObject({ sessionId: 's1', skips: 3 });
  });
});
