import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { readFileSync } from 'node:fs';
import type { AddressInfo, Socket } from 'node:net';
import { LoopRebaser } from '../../src/mpegts/index.js';
import { fixturePath } from './paths.js';

/**
 * A real Xtream Codes provider on loopback for tests: `player_api.php` JSON for configured
 * accounts, `/live/{user}/{pass}/{id}.ts` as real MPEG-TS (a committed recording, looped with
 * continuous timestamps and paced at a set bitrate), a log of every request, and faults on demand.
 */

export interface FakeAccount {
  username: string;
  password: string;
  /** Merged over the default user_info (status Active, max_connections "2", …). */
  userInfo?: Record<string, unknown>;
  categories?: unknown[];
  streams?: unknown[];
  /** XMLTV served at `xmltv.php` for this account (404 when absent). */
  guide?: string;
}

/** How one stream (or every stream) misbehaves. */
export type StreamFault =
  | { kind: 'refuse' } // socket destroyed before any response
  | { kind: 'status'; status: number; body?: string } // HTTP error
  | { kind: 'stall' } // accept, never answer
  | { kind: 'stall-after-headers' } // 200 + headers, then no bytes
  | { kind: 'close-early'; afterBytes: number } // 200, some bytes, then the socket is destroyed
  | { kind: 'redirect'; status?: 301 | 302 | 307 } // to /lb/{token}/{id}.ts on this server
  | { kind: 'redirect-chain'; hops: number } // 302 to /lb/hop1/{id}.ts, which redirects again … until `hops`
  | { kind: 'redirect-to'; location: string } // 302 to any location (file:///etc/passwd, ftp://…)
  | { kind: 'html'; contentType?: string } // 200 with an HTML page, labelled video/mp2t (or as given; '' = no type)
  | { kind: 'garbage' } // 200 video/mp2t, endless bytes with no TS sync
  | { kind: 'drip'; intervalMs: number } // 200, then one 188-byte packet every intervalMs
  | { kind: 'stall-after'; afterBytes: number }; // 200, some bytes, then silence with the socket open

export interface StreamBehaviour {
  /** Bits per second; default 25 Mbit/s-ish pacing is too much for tests, so 2 Mbit/s. */
  bitrate?: number;
  /** Total bytes, then the response ends; default endless. */
  totalBytes?: number;
  /** Unpaced: write as fast as the socket takes it (for throughput benchmarks). */
  unpaced?: boolean;
  fault?: StreamFault;
  /** Answers only after this long (a slow backup). */
  delayMs?: number;
  /** Which committed recording plays: sample.mpegts (default) or backup.mpegts (another stream, clock +40 s). */
  recording?: 'sample' | 'backup';
  /**
   * How it loops: 'continuous' rewrites PCR/PTS/DTS and continuity counters per loop, as a live
   * channel's clock runs on; 'raw' replays the bytes as they are (time jumps back per loop). The
   * default is 'continuous', but 'raw' when unpaced: rewriting runs at ~850 MB/s, and a throughput
   * benchmark must measure the proxy, not the provider.
   */
  loop?: 'continuous' | 'raw';
}

/** A canned answer for one `player_api.php` action ('' = no action: authentication). */
export interface ApiOverride {
  status?: number;
  /** A string is sent as it is; anything else as JSON. */
  body: unknown;
  contentType?: string;
  delayMs?: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  /** For stream requests: the provider stream id that was asked for. */
  streamId?: number;
  username?: string;
  password?: string;
  userAgent?: string;
  at: number;
}

export interface FakeProviderOptions {
  accounts?: FakeAccount[];
  /** Served under this path prefix, e.g. '/xc' → http://127.0.0.1:port/xc/player_api.php. */
  pathPrefix?: string;
  https?: boolean;
  defaultStream?: StreamBehaviour;
}

export interface FakeProvider {
  /** Base URL including the path prefix, no trailing slash. */
  url: string;
  port: number;
  requests: RecordedRequest[];
  /** Stream requests only, in order. */
  streamRequests(): RecordedRequest[];
  /** Stream connections open right now (a response is open until its socket closed). */
  openStreams(): number;
  /** The most stream connections open at any one moment since start (or `resetPeak()`). */
  peakOpenStreams(): number;
  resetPeak(): void;
  /** Resolves when `openStreams()` satisfies `predicate` (polls; rejects after `timeoutMs`). */
  waitForOpenStreams(predicate: (n: number) => boolean, timeoutMs?: number): Promise<void>;
  setAccount(account: FakeAccount): void;
  setStream(streamId: number | '*', behaviour: StreamBehaviour): void;
  overrideApi(action: string, answer: ApiOverride | undefined): void;
  /** PEM of the self-signed certificate when https. */
  certificate: string | undefined;
  close(): Promise<void>;
}

const defaultUserInfo = {
  auth: 1,
  status: 'Active',
  exp_date: '1893456000',
  is_trial: '0',
  active_cons: '0',
  created_at: '1600000000',
  max_connections: '2',
  allowed_output_formats: ['m3u8', 'ts'],
};

const sampleTs = readFileSync(fixturePath('sample.mpegts'));
const recordings = {
  sample: { bytes: sampleTs, rebaser: new LoopRebaser(sampleTs) },
  backup: (() => {
    const bytes = readFileSync(fixturePath('backup.mpegts'));
    return { bytes, rebaser: new LoopRebaser(bytes) };
  })(),
};

/** The endless bytes of a looped recording, read in chunks of any size. */
function loopedRecording(behaviour: StreamBehaviour): (size: number) => Buffer {
  const { bytes, rebaser } = recordings[behaviour.recording ?? 'sample'];
  const continuous = (behaviour.loop ?? (behaviour.unpaced ? 'raw' : 'continuous')) === 'continuous';
  let loop = 0;
  let current: Buffer = bytes;
  let offset = 0;
  return (size) => {
    const parts: Buffer[] = [];
    while (size > 0) {
      if (offset === current.length) {
        loop++;
        current = continuous ? rebaser.loop(loop) : bytes;
        offset = 0;
      }
      const take = Math.min(size, current.length - offset);
      parts.push(current.subarray(offset, offset + take));
      offset += take;
      size -= take;
    }
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  };
}

export async function startFakeProvider(options: FakeProviderOptions = {}): Promise<FakeProvider> {
  const prefix = (options.pathPrefix ?? '').replace(/\/+$/, '');
  const accounts = new Map<string, FakeAccount>();
  for (const account of options.accounts ?? []) accounts.set(account.username, account);
  const streamBehaviours = new Map<number | '*', StreamBehaviour>();
  if (options.defaultStream) streamBehaviours.set('*', options.defaultStream);
  const apiOverrides = new Map<string, ApiOverride>();
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  let open = 0;
  let peak = 0;

  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const query = Object.fromEntries(url.searchParams);
    let path = url.pathname;
    const record: RecordedRequest = {
      method: req.method ?? 'GET',
      path,
      query,
      at: Date.now(),
      ...(req.headers['user-agent'] ? { userAgent: req.headers['user-agent'] } : {}),
    };
    requests.push(record);
    if (prefix) {
      if (!path.startsWith(prefix + '/')) return sendText(res, 404, 'not found');
      path = path.slice(prefix.length);
    }
    if (path === '/player_api.php') return handleApi(query, res, record);
    if (path === '/xmltv.php') {
      record.username = query.username;
      record.password = query.password;
      const account = query.username === undefined ? undefined : accounts.get(query.username);
      if (!account || account.password !== query.password) return sendText(res, 403, 'forbidden');
      if (account.guide === undefined) return sendText(res, 404, 'not found');
      res.writeHead(200, { 'content-type': 'application/xml' });
      return void res.end(account.guide);
    }
    const live = /^\/live\/([^/]+)\/([^/]+)\/(\d+)\.ts$/.exec(path);
    if (live) {
      record.username = decodeURIComponent(live[1]!);
      record.password = decodeURIComponent(live[2]!);
      record.streamId = Number(live[3]);
      const account = accounts.get(record.username);
      if (!account || account.password !== record.password) return sendText(res, 403, 'forbidden');
      return serveStream(record.streamId, req, res, true);
    }
    const balanced = /^\/lb\/([^/]+)\/(\d+)\.ts$/.exec(path);
    if (balanced) {
      record.streamId = Number(balanced[2]);
      const fault = (streamBehaviours.get(record.streamId) ?? streamBehaviours.get('*'))?.fault;
      const hop = Number(/^hop(\d+)$/.exec(balanced[1]!)?.[1] ?? NaN);
      if (fault?.kind === 'redirect-chain' && hop < fault.hops) {
        res.writeHead(302, { location: `${prefix}/lb/hop${hop + 1}/${record.streamId}.ts` });
        return void res.end();
      }
      return serveStream(record.streamId, req, res, false);
    }
    return sendText(res, 404, 'not found');
  };

  const handleApi = (query: Record<string, string>, res: ServerResponse, record: RecordedRequest) => {
    record.username = query.username;
    record.password = query.password;
    const action = query.action ?? '';
    const override = apiOverrides.get(action);
    if (override) {
      const send = () => {
        const body = typeof override.body === 'string' ? override.body : JSON.stringify(override.body);
        if (res.destroyed) return;
        res.writeHead(override.status ?? 200, { 'content-type': override.contentType ?? 'application/json' });
        res.end(body);
      };
      if (override.delayMs) setTimeout(send, override.delayMs);
      else send();
      return;
    }
    const account = query.username === undefined ? undefined : accounts.get(query.username);
    if (!account || account.password !== query.password) return sendJson(res, { user_info: { auth: 0 } });
    switch (action) {
      case '':
        return sendJson(res, {
          user_info: {
            ...defaultUserInfo,
            username: account.username,
            password: account.password,
            ...account.userInfo,
          },
          server_info: {
            url: '127.0.0.1',
            port: String(port),
            https_port: '',
            server_protocol: 'http',
            timezone: 'UTC',
            timestamp_now: Math.floor(Date.now() / 1000),
          },
        });
      case 'get_live_categories':
        return sendJson(res, account.categories ?? []);
      case 'get_live_streams': {
        const streams = account.streams ?? [];
        const category = query.category_id;
        return sendJson(
          res,
          category === undefined
            ? streams
            : streams.filter((s) => String((s as { category_id?: unknown }).category_id) === category),
        );
      }
      default:
        return sendJson(res, []);
    }
  };

  const serveStream = (streamId: number, req: IncomingMessage, res: ServerResponse, allowRedirect: boolean) => {
    const behaviour = streamBehaviours.get(streamId) ?? streamBehaviours.get('*') ?? {};
    if (behaviour.delayMs) {
      const delayed = { ...behaviour, delayMs: 0 };
      const timer = setTimeout(
        () => !res.destroyed && answerStream(streamId, delayed, req, res, allowRedirect),
        behaviour.delayMs,
      );
      return void res.once('close', () => clearTimeout(timer));
    }
    answerStream(streamId, behaviour, req, res, allowRedirect);
  };

  const answerStream = (
    streamId: number,
    behaviour: StreamBehaviour,
    req: IncomingMessage,
    res: ServerResponse,
    allowRedirect: boolean,
  ) => {
    const fault = behaviour.fault;
    if (fault?.kind === 'refuse') return req.socket.destroy();
    if (fault?.kind === 'status') return sendText(res, fault.status, fault.body ?? 'error');
    if (fault?.kind === 'stall') return; // never answers; closed with the server
    if (fault?.kind === 'redirect-chain' && allowRedirect) {
      res.writeHead(302, { location: `${prefix}/lb/hop1/${streamId}.ts` });
      return res.end();
    }
    if (fault?.kind === 'redirect-to' && allowRedirect) {
      res.writeHead(302, { location: fault.location });
      return res.end();
    }
    if (fault?.kind === 'redirect' && allowRedirect) {
      res.writeHead(fault.status ?? 302, { location: `${prefix}/lb/token${Date.now()}/${streamId}.ts` });
      return res.end();
    }
    open++;
    peak = Math.max(peak, open);
    let closed = false;
    let timer: NodeJS.Timeout | undefined; // declared before `finish` can run (stall-after-headers returns early)
    const finish = () => {
      if (closed) return;
      closed = true;
      open--;
      clearTimeout(timer);
    };
    res.on('close', finish);
    if (fault?.kind === 'html' && fault.contentType === '') res.writeHead(200);
    else
      res.writeHead(200, {
        'content-type': fault?.kind === 'html' ? (fault.contentType ?? 'video/mp2t') : 'video/mp2t',
      });
    if (fault?.kind === 'stall-after-headers') {
      res.flushHeaders();
      return;
    }
    if (fault?.kind === 'html')
      return void res.end('<!DOCTYPE html><html><body>Account expired</body></html>\n'.repeat(20));
    if (fault?.kind === 'garbage' || fault?.kind === 'drip') {
      const packet = fault.kind === 'drip' ? sampleTs.subarray(0, 188) : Buffer.alloc(13_160, 0x20);
      const every = fault.kind === 'drip' ? fault.intervalMs : 20;
      const drip = () => {
        if (closed) return;
        res.write(packet);
        timer = setTimeout(drip, every);
      };
      return drip();
    }
    const limit =
      fault?.kind === 'close-early' || fault?.kind === 'stall-after'
        ? fault.afterBytes
        : (behaviour.totalBytes ?? Infinity);
    const bitrate = behaviour.bitrate ?? 2_000_000;
    const chunkSize = 188 * 7 * 10; // 13,160 bytes: whole TS packets
    const intervalMs = behaviour.unpaced ? 0 : Math.max(1, (chunkSize * 8 * 1000) / bitrate);
    const read = loopedRecording(behaviour);
    let sent = 0;
    const writeChunk = (): boolean => {
      const size = Math.min(chunkSize, limit - sent);
      sent += size;
      return res.write(read(size));
    };
    const pump = () => {
      if (closed) return;
      if (sent >= limit) {
        if (fault?.kind === 'stall-after') return; // silent from now on, socket open
        if (fault?.kind === 'close-early') res.destroy();
        else res.end();
        return;
      }
      if (behaviour.unpaced) {
        while (sent < limit && !closed) {
          if (!writeChunk()) return void res.once('drain', pump);
        }
        return pump();
      }
      writeChunk();
      timer = setTimeout(pump, intervalMs);
    };
    pump();
  };

  const certificate = options.https ? readFileSync(fixturePath('localhost-cert.pem'), 'utf8') : undefined;
  const server: Server = options.https
    ? createHttpsServer({ cert: certificate, key: readFileSync(fixturePath('localhost-key.pem')) }, handler)
    : createHttpServer(handler);
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  return {
    url: `${options.https ? 'https' : 'http'}://127.0.0.1:${port}${prefix}`,
    port,
    requests,
    certificate,
    streamRequests: () => requests.filter((r) => r.streamId !== undefined),
    openStreams: () => open,
    peakOpenStreams: () => peak,
    resetPeak: () => void (peak = open),
    async waitForOpenStreams(predicate, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(open)) {
        if (Date.now() > deadline) throw new Error(`open upstream streams stayed at ${open}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    setAccount: (account) => void accounts.set(account.username, account),
    setStream: (streamId, behaviour) => void streamBehaviours.set(streamId, behaviour),
    overrideApi: (action, answer) => void (answer ? apiOverrides.set(action, answer) : apiOverrides.delete(action)),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

// With a Content-Length, as most panels send: a scan's progress is a percent of it.
function sendJson(res: ServerResponse, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/html' });
  res.end(text);
}

/** A provider live-stream row as `get_live_streams` sends it (numbers as the panel likes them). */
export function liveStream(
  streamId: number,
  name: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    num: streamId,
    name,
    stream_type: 'live',
    stream_id: streamId,
    stream_icon: `http://logos.invalid/${streamId}.png`,
    epg_channel_id: null,
    added: '1700000000',
    category_id: '1',
    custom_sid: '',
    tv_archive: 0,
    direct_source: '',
    tv_archive_duration: 0,
    ...extra,
  };
}
