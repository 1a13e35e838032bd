import type { Readable } from 'node:stream';
import { request, type Dispatcher } from 'undici';
import { classifyNetworkError, discardBody } from '../upstream-http/index.js';

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
export type UpstreamFailureReason =
  'refused' | 'unreachable' | 'timeout' | 'http-status' | 'not-a-stream' | 'redirect' | 'aborted' | 'error';

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

/** Requests the stream URL through `dispatcher` (the app's, following redirects); resolves once the provider answered 200, else throws UpstreamFailure. */
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
