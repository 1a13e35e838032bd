import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { request, type Dispatcher } from 'undici';
import { looksLikeTransportStream, packetSize } from '../mpegts/index.js';
import { classifyNetworkError, discardBody } from '../upstream-http/index.js';
import { playbackIdHeader, whenUpstreamClosed } from './upstream-sockets.js';

/**
 * The provider side of a stream: ONE request for the stream URL (no probe first: on a
 * one-connection account a probe makes the provider refuse or double-count), redirects followed
 * at once (load balancers hand out tokens that expire in seconds), and the first bytes checked
 * for MPEG-TS before anyone relies on them. What the bytes then go to is the feed's business.
 */

export interface UpstreamOptions {
  userAgent: string;
  /** Deadline for connect + redirects + response headers + the first packets. */
  answerTimeoutMs: number;
  /** Undici's own body timeout, a backstop: the feed notices a stall much sooner. */
  idleTimeoutMs: number;
  /** Aborts the request until it answered with a stream (the client left, shutdown, a recovery bound); then `close()` ends it. */
  signal: AbortSignal;
}

/** An upstream that answered 200 with MPEG-TS: `head` (already read) comes first, then `body`. */
export interface Upstream {
  head: Buffer;
  body: Readable;
  contentType: string | undefined;
  /** Closes the request (idempotent); resolves once its provider connection is closed. */
  close(): Promise<void>;
}

/** Why an upstream could not be used; only safe facts (never the URL itself). */
export type UpstreamFailureReason =
  'refused' | 'unreachable' | 'timeout' | 'http-status' | 'not-a-stream' | 'redirect' | 'aborted' | 'error';

/** An upstream that did not answer with a stream. Carries no URL, so it is safe to log. */
export class UpstreamFailure extends Error {
  /** Resolves once the failed request's provider connection is closed (a slot is free only then). */
  closed: Promise<void> = Promise.resolve();

  constructor(
    readonly reason: UpstreamFailureReason,
    readonly status?: number,
    readonly errorCode?: string,
  ) {
    super(`upstream ${reason}${status === undefined ? '' : ` ${status}`}${errorCode ? ` (${errorCode})` : ''}`);
    this.name = 'UpstreamFailure';
  }
}

// Three packets: enough for looksLikeTransportStream to find sync bytes 188 apart from any start.
const headBytes = 3 * packetSize + packetSize;

/** Requests the stream URL through `dispatcher` (the app's, following redirects); resolves once the provider answered 200 with MPEG-TS, else throws UpstreamFailure. */
export async function openUpstream(url: string, dispatcher: Dispatcher, options: UpstreamOptions): Promise<Upstream> {
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), options.answerTimeoutMs);
  // The request's own controller, fed by the caller's signal only until the stream answered: a
  // caller's deadline (a failover's recovery bound) must not end the stream it connected, and
  // undici ends the body too when a request's signal fires.
  const requestAbort = new AbortController();
  const forwardAbort = () => requestAbort.abort();
  if (options.signal.aborted) forwardAbort();
  else options.signal.addEventListener('abort', forwardAbort, { once: true });
  const signal = AbortSignal.any([requestAbort.signal, deadline.signal]);
  const playbackId = randomUUID();
  let body: Readable | undefined;
  const close = () => {
    if (body && !body.readableEnded) discardBody(body);
    return whenUpstreamClosed(playbackId);
  };
  try {
    const response = await request(url, {
      dispatcher,
      method: 'GET',
      headers: { 'user-agent': options.userAgent, accept: '*/*', [playbackIdHeader]: playbackId },
      signal,
      headersTimeout: options.answerTimeoutMs,
      bodyTimeout: options.idleTimeoutMs,
    });
    body = response.body;
    if (response.statusCode !== 200) throw new UpstreamFailure('http-status', response.statusCode);
    const header = response.headers['content-type'];
    const contentType = Array.isArray(header) ? header[0] : header;
    // Panels and CDNs answer errors ("account expired", "limit reached", captchas) as 200 HTML
    // pages, some labelled video/mp2t or untyped: the type refuses the obvious ones, the first
    // bytes the rest (relayed, Plex would just fail to tune).
    if (contentType && /^\s*(text\/|application\/(json|xml|xhtml))/i.test(contentType))
      throw new UpstreamFailure('not-a-stream', response.statusCode);
    const head = await readHead(body, signal);
    if (!looksLikeTransportStream(head)) throw new UpstreamFailure('not-a-stream', response.statusCode);
    return { head, body, contentType, close };
  } catch (error) {
    const failure = toFailure(error, options.signal.aborted, deadline.signal.aborted);
    failure.closed = close();
    throw failure;
  } finally {
    clearTimeout(timer);
    options.signal.removeEventListener('abort', forwardAbort);
  }
}

function toFailure(error: unknown, aborted: boolean, timedOut: boolean): UpstreamFailure {
  if (error instanceof UpstreamFailure) return error;
  if (aborted) return new UpstreamFailure('aborted');
  if (timedOut) return new UpstreamFailure('timeout');
  return classify(error);
}

/** The first `headBytes` of the body (less when it ends sooner); leaves the body paused. */
function readHead(body: Readable, signal: AbortSignal): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    const done = (error?: unknown) => {
      body.off('data', onData);
      body.off('end', onEnd);
      body.off('error', onError);
      signal.removeEventListener('abort', onAbort);
      body.pause();
      if (error) reject(error instanceof Error ? error : new Error('upstream body failed'));
      else resolve(Buffer.concat(chunks));
    };
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      length += chunk.length;
      if (length >= headBytes) done();
    };
    const onEnd = () => done();
    const onError = (error: unknown) => done(error);
    const onAbort = () => done(new Error('aborted'));
    body.on('data', onData);
    body.once('end', onEnd);
    body.once('error', onError);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

// A stream keeps its own coarse reasons; an abort nobody here asked for is just an error.
function classify(error: unknown): UpstreamFailure {
  const { reason, code } = classifyNetworkError(error);
  return new UpstreamFailure(
    reason === 'refused' || reason === 'timeout' || reason === 'unreachable' || reason === 'redirect'
      ? reason
      : 'error',
    undefined,
    code,
  );
}
