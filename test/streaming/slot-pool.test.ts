import { describe, expect, it } from 'vitest';
import { SlotPool } from '../../src/streaming/index.js';

describe('slot pool', () => {
  it('hands out at most `limit` slots per account, counting accounts separately', async () => {
    const pool = new SlotPool();
    const a1 = await pool.acquire(1, { limit: 2, waitMs: 0 });
    const a2 = await pool.acquire(1, { limit: 2, waitMs: 0 });
    const a3 = await pool.acquire(1, { limit: 2, waitMs: 0 });
    const b1 = await pool.acquire(2, { limit: 1, waitMs: 0 });
    expect([a1, a2, b1].every(Boolean)).toBe(true);
    expect(a3).toBeUndefined();
    expect(pool.inUse(1)).toBe(2);
    expect(pool.inUse(2)).toBe(1);
  });

  it('is race-free: 50 simultaneous acquisitions against a limit of 2 give exactly 2 slots', async () => {
    const pool = new SlotPool();
    const results = await Promise.all(Array.from({ length: 50 }, () => pool.acquire(7, { limit: 2, waitMs: 50 })));
    expect(results.filter(Boolean)).toHaveLength(2);
    expect(pool.inUse(7)).toBe(2);
    expect(pool.waiting(7)).toBe(0);
  });

  it('gives a freed slot to the request waiting longest (a zap) and releases idempotently', async () => {
    const pool = new SlotPool();
    const first = (await pool.acquire(1, { limit: 1, waitMs: 0 }))!;
    const order: string[] = [];
    const zap = pool.acquire(1, { limit: 1, waitMs: 5000 }).then((s) => (order.push('zap'), s));
    const later = pool.acquire(1, { limit: 1, waitMs: 5000 }).then((s) => (order.push('later'), s));
    expect(pool.waiting(1)).toBe(2);
    first.release();
    first.release(); // a second release must not free a slot that the zap now holds
    const zapSlot = await zap;
    expect(zapSlot).toBeDefined();
    expect(pool.inUse(1)).toBe(1);
    expect(pool.waiting(1)).toBe(1);
    zapSlot!.release();
    expect(await later).toBeDefined();
    expect(order).toEqual(['zap', 'later']);
  });

  it('gives up when the wait ends, when the waiter aborts, and on close', async () => {
    const pool = new SlotPool();
    await pool.acquire(1, { limit: 1, waitMs: 0 });
    expect(await pool.acquire(1, { limit: 1, waitMs: 20 })).toBeUndefined();

    const controller = new AbortController();
    const aborted = pool.acquire(1, { limit: 1, waitMs: 5000, signal: controller.signal });
    controller.abort();
    expect(await aborted).toBeUndefined();
    expect(pool.waiting(1)).toBe(0);

    const pending = pool.acquire(1, { limit: 1, waitMs: 5000 });
    pool.close();
    expect(await pending).toBeUndefined();
    expect(await pool.acquire(2, { limit: 5, waitMs: 0 })).toBeUndefined();
  });

  it('uses the limit current at each request (a user raising the limit frees waiters)', async () => {
    const pool = new SlotPool();
    await pool.acquire(1, { limit: 1, waitMs: 0 });
    expect(await pool.acquire(1, { limit: 2, waitMs: 0 })).toBeDefined();
    expect(pool.inUse(1)).toBe(2);
  });
});
