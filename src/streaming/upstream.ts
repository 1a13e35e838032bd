import type { Readable } from 'node:stream';
import { Agent, interceptors, request, type Dispatcher } from 'undici';

/**
 * The provider side of a stream: ONE request for the stream URL (no probe first: on a
 * one-connection account a probe makes the provider refuse or double-count), redirects followed
 * at once (load balancers hand out tokens that expire in seconds), and nothing else. What the
 * bytes then go to (one client now, several viewers later) is the relay's business.
 */

export interface UpstreamOptions {
  userAgent: string;
  /** Deadline for connect + redirects + response headers. */
  answerTimeoutMs: number;
  /** A live stream that sends nothing for this long is dead. */
  idleTimeoutMs: number;
  /** Aborts the request at any time (the client left, shutdown). */
  signal: AbortSignal;
}

/** An upstream that answered 200: the body is relayed as it arrives. */
export interface Upstream {
  body: Readable;
  contentType: string | undefined;
}

/** Why an upstream could not be used; only safe facts (never the URL itself). */
export type UpstreamFailureReason = 'refused' | 'unreachable' | 'timeout' | 'http-status' | 'not-a-stream' | 'aborted' | 'error';

/** An upstream that did not answer 200. Carries no URL, so it is safe to log. */
export class UpstreamFailure extends Error {
  constructor(
    readonly reason: UpstreamFailureReason,
    readonly status?: number,
    readonly errorCode?: string,
  ) {
    super(`upstream ${reason}${status === undefined ? '' : ` ${status}`}${errorCode ? ` (${errorCode})` : ''}`);
    this.name = 'UpstreamFailure';
  }
}

const maxRedirections = 5;

/**
 * Drops a body we will not read. undici reports destroying an unfinished body as an 'error'
 * event, which would be an uncaught exception without a listener: give it one first.
 */
export function discardBody(body: Readable): void {
  body.on('error', () => undefined);
  body.destroy();
}

/**
 * The dispatcher for stream requests: the injected one (tests trust their certificate with it)
 * or an own Agent with the connect timeout, in both cases following redirects.
 */
export function createStreamDispatcher(connectTimeoutMs: number, injected?: Dispatcher): { dispatcher: Dispatcher; close(): Promise<void> } {
  const own = injected ? undefined : new Agent({ connect: { timeout: connectTimeoutMs } });
  const base = injected ?? own!;
  return {
    dispatcher: base.compose(interceptors.redirect({ maxRedirections })),
    close: async () => {
      await own?.destroy();
    },
  };
}

/** Requests the stream URL; resolves once the provider answered 200, else throws UpstreamFailure. */
export async function openUpstream(url: string, dispatcher: Dispatcher, options: UpstreamOptions): Promise<Upstream> {
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), options.answerTimeoutMs);
  const signal = AbortSignal.any([options.signal, deadline.signal]);
  try {
    const response = await request(url, {
      dispatcher,
      method: 'GET',
      headers: { 'user-agent': options.userAgent, accept: '*/*' },
      signal,
      headersTimeout: options.answerTimeoutMs,
      bodyTimeout: options.idleTimeoutMs,
    });
    if (response.statusCode !== 200) {
      discardBody(response.body);
      throw new UpstreamFailure('http-status', response.statusCode);
    }
    const header = response.headers['content-type'];
    const contentType = Array.isArray(header) ? header[0] : header;
    // Panels and CDNs answer errors ("account expired", "limit reached", captchas) as 200 HTML
    // pages; relayed, Plex would just fail to tune. Video/octet-stream types (or none) pass.
    if (contentType && /^\s*(text\/|application\/(json|xml|xhtml))/i.test(contentType)) {
      discardBody(response.body);
      throw new UpstreamFailure('not-a-stream', response.statusCode);
    }
    return { body: response.body, contentType };
  } catch (error) {
    if (error instanceof UpstreamFailure) throw error;
    if (options.signal.aborted) throw new UpstreamFailure('aborted');
    if (deadline.signal.aborted) throw new UpstreamFailure('timeout');
    throw classify(error);
  } finally {
    clearTimeout(timer);
  }
}

function classify(error: unknown): UpstreamFailure {
  const code = errorCode(error);
  switch (code) {
    case 'ECONNREFUSED':
      return new UpstreamFailure('refused', undefined, code);
    case 'UND_ERR_CONNECT_TIMEOUT':
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'ETIMEDOUT':
      return new UpstreamFailure('timeout', undefined, code);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      return new UpstreamFailure('unreachable', undefined, code);
    default:
      return new UpstreamFailure('error', undefined, code);
  }
}

// undici wraps socket errors; the errno code may sit on the error or on its cause.
function errorCode(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && code !== 'UND_ERR') return code;
  }
  return undefined;
}
