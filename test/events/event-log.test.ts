import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startApp, type TestApp } from '../support/start-app.js';

describe('event log API', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await startApp({ listen: false });
  });
  afterEach(() => t.close());

  it('lists events newest first, paged, and marks them read', async () => {
    for (let i = 1; i <= 3; i++) t.domains.events.record({ level: 'info', category: 'test', message: `event ${i}` });
    const page = await t.app.inject({ method: 'GET', url: '/api/events?limit=2' });
    expect(page.statusCode).toBe(200);
    const body = page.json<{ items: { message: string; isRead: boolean }[]; total: number }>();
    expect(body.total).toBe(3);
    expect(body.items.map((e) => e.message)).toEqual(['event 3', 'event 2']);
    const read = await t.app.inject({ method: 'POST', url: '/api/events/read', payload: {} });
    expect(read.json()).toEqual({ updated: 3 });
    const after = await t.app.inject({ method: 'GET', url: '/api/events?offset=2' });
    expect(after.json<{ items: { message: string; isRead: boolean }[] }>().items).toEqual([
      expect.objectContaining({ message: 'event 1', isRead: true }),
    ]);
  });

  it('?unread=true lists only the events not marked read (the UI badge counts them)', async () => {
    for (let i = 1; i <= 3; i++) t.domains.events.record({ level: 'warn', category: 'test', message: `event ${i}` });
    const first = (await t.app.inject({ method: 'GET', url: '/api/events?limit=10' })).json<{
      items: { id: number }[];
    }>();
    await t.app.inject({ method: 'POST', url: '/api/events/read', payload: { ids: [first.items[0]!.id] } });
    const unread = await t.app.inject({ method: 'GET', url: '/api/events?unread=true&limit=1' });
    expect(unread.json()).toMatchObject({ total: 2, items: [{ message: 'event 2', isRead: false }] });
    const all = await t.app.inject({ method: 'GET', url: '/api/events?unread=false' });
    expect(all.json<{ total: number }>().total).toBe(3);
  });

  it('rejects bad query parameters and unknown body fields with a JSON 400', async () => {
    const bad = await t.app.inject({ method: 'GET', url: '/api/events?limit=abc' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toEqual({ error: expect.stringContaining('limit') });
    const unknown = await t.app.inject({ method: 'POST', url: '/api/events/read', payload: { all: true } });
    expect(unknown.statusCode).toBe(400);
    const wrongType = await t.app.inject({ method: 'POST', url: '/api/events/read', payload: { ids: ['1'] } });
    expect(wrongType.statusCode).toBe(400);
  });

  it('answers unknown routes with a JSON 404', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/nothing-here' });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    expect(res.json()).toEqual({ error: 'not found' });
  });
});
