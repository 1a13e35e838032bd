import { Agent, interceptors, type Dispatcher } from 'undici';
import { guardRedirects } from './redirect-guard.js';

export interface UpstreamAgentOptions {
  /** TCP (and TLS) connect deadline per connection. */
  connectTimeoutMs: number;
  /** Redirect hops followed per request (default `defaultMaxRedirections`). */
  maxRedirections?: number;
}

/**
 * Redirect hops followed; one more fails the request (RedirectRefusedError). Panels behind load
 * balancers, stream CDNs handing out short-lived tokens and guide short links each take one or
 * two; five leaves room without following a chain forever (a loop back to a visited URL fails at
 * once anyway).
 */
export const defaultMaxRedirections = 5;

// Idle sockets stay this long for the next request: a scan asks the panel several times in a row.
const keepAliveTimeoutMs = 10_000;

/**
 * The one agent for every upstream request (provider API, streams, guide downloads): connect
 * timeout, keep-alive, redirects followed. Whoever creates it closes it (the app, on close).
 */
export function createUpstreamAgent(options: UpstreamAgentOptions): Dispatcher {
  const agent = new Agent({ connect: { timeout: options.connectTimeoutMs }, keepAliveTimeout: keepAliveTimeoutMs });
  return followRedirects(agent, options.maxRedirections);
}

/**
 * `dispatcher` with redirects followed, e.g. a test's own agent that trusts its certificate, and
 * guarded (see `guardRedirects`: only http(s), at most `maxRedirections`, no loops, nothing of
 * ours to another origin). Closing the result closes `dispatcher`.
 */
export function followRedirects(dispatcher: Dispatcher, maxRedirections = defaultMaxRedirections): Dispatcher {
  // compose() wraps in order, so the guard sits inside undici's redirect handler and sees each hop.
  return dispatcher.compose(guardRedirects(maxRedirections), interceptors.redirect({ maxRedirections }));
}
