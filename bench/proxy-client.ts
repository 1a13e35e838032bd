/*
 * The client side of bench:proxy: starting and asking the child parties (over IPC), and reading a
 * stream the way a tuner client does (a fresh connection, first-byte time, bytes).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import type { Message } from './proxy-parties.js';

export function startChild(
  script: string,
  args: string[],
  execArgv?: string[],
): Promise<{ child: ChildProcess; url: string; ready: Message }> {
  const child = fork(script, args, {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    ...(execArgv ? { execArgv } : {}),
  });
  return new Promise((ok, fail) => {
    child.once('message', (m: Message) => ok({ child, url: String(m.url), ready: m }));
    child.once('exit', (code) => fail(new Error(`child ${args[0]} exited with ${code}`)));
  });
}

/** The app's CPU, RSS and session count; `gc` first collects garbage (to tell live memory from garbage). */
let askId = 0;
export interface Stats {
  cpuSeconds: number;
  rss: number;
  sessions: number;
  /** The provider's: stream requests it has had so far. */
  streamRequests?: number;
}
export function ask(child: ChildProcess, gc = false): Promise<Stats> {
  const id = ++askId;
  return new Promise((ok) => {
    const onMessage = (m: Message) => {
      if (m.id !== id) return;
      child.off('message', onMessage);
      ok(m as unknown as Stats);
    };
    child.on('message', onMessage);
    child.send({ type: 'stats', gc, id });
  });
}

export interface Read {
  ttfbMs: number;
  bytes: number;
  seconds: number;
}

/** GETs `url` on a fresh connection; reads until `maxBytes`, `maxMs` or the end; reports first-byte time and bytes. */
export function read(url: string, options: { maxBytes?: number; maxMs?: number } = {}): Promise<Read> {
  return new Promise((ok, fail) => {
    const started = process.hrtime.bigint();
    let first = 0n;
    let bytes = 0;
    const req = httpRequest(url, { agent: false }, (res) => {
      if (res.statusCode !== 200) return fail(new Error(`${url}: HTTP ${res.statusCode}`));
      const timer = options.maxMs ? setTimeout(() => done(), options.maxMs) : undefined;
      const done = () => {
        clearTimeout(timer);
        const now = process.hrtime.bigint();
        req.destroy();
        ok({ ttfbMs: Number(first - started) / 1e6, bytes, seconds: Number(now - started) / 1e9 });
      };
      res.on('data', (chunk: Buffer) => {
        if (!first) first = process.hrtime.bigint();
        bytes += chunk.length;
        if (options.maxBytes !== undefined && bytes >= options.maxBytes) done();
      });
      res.once('end', done);
    });
    req.once('error', fail);
    req.end();
  });
}

export const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function waitForNoSessions(app: ChildProcess): Promise<void> {
  for (let i = 0; i < 200 && (await ask(app)).sessions > 0; i++) await sleep(5);
}

export function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((ok) => {
    child.once('exit', () => ok());
    child.send({ type: 'close' });
  });
}

export const now = () => Number(process.hrtime.bigint()) / 1e9;
