import type { Dispatcher } from 'undici';

/** Why a redirect was not followed. */
export type RedirectRefusal = 'not-http' | 'too-many' | 'loop';

const messages: Record<RedirectRefusal, (max: number) => string> = {
  'not-http': () => 'redirected to a location that is not HTTP(S)',
  'too-many': (max) => `redirected more than ${max} times`,
  loop: () => 'redirected in a loop',
};

/**
 * A redirect we refused to follow. The message names the rule, never the location (which may
 * carry credentials or a token), so it is safe to log and to show after a "provider" prefix.
 */
export class RedirectRefusedError extends Error {
  readonly code: string;

  constructor(
    readonly refusal: RedirectRefusal,
    maxRedirections: number,
  ) {
    super(messages[refusal](maxRedirections));
    this.name = 'RedirectRefusedError';
    this.code = `REDIRECT_${refusal.toUpperCase().replace('-', '_')}`;
  }
}

// undici's redirect handler follows these (and only with a Location header).
const redirectStatuses = new Set([300, 301, 302, 303, 307, 308]);

// What we send upstream that may go on to another origin: nothing that identifies us.
const crossOriginHeaders = new Set(['user-agent', 'accept', 'accept-encoding', 'accept-language', 'range']);

/** One request's redirect chain, shared by its hops (undici's redirect handler is the same object on each hop). */
interface Chain {
  hops: number;
  firstOrigin: string;
  visited: Set<string>;
}

const chains = new WeakMap<object, Chain>();

/**
 * Sits inside undici's redirect interceptor and sees every hop of a chain. It refuses, at the
 * 3xx itself (not after a timeout, not by handing the 3xx back as if it were the answer):
 * a Location that is not http(s) (`file:`, `ftp:`, `data:`, garbage), a chain longer than
 * `maxRedirections`, and a loop back to a URL already visited. A hop to another origin than the
 * first carries only the plain request headers (user agent, accept…): undici already drops
 * Authorization, Cookie and Proxy-Authorization there, this also drops anything else a caller
 * might add later. Credentials in the URL never travel on: undici builds each hop's URL from the
 * Location alone (the old query is dropped) and never turns userinfo into a header.
 */
export function guardRedirects(maxRedirections: number): Dispatcher.DispatcherComposeInterceptor {
  return (dispatch) => (opts, handler) => {
    const current = new URL(opts.path, opts.origin);
    let chain = chains.get(handler);
    if (chain) chain.hops++;
    else {
      chain = { hops: 0, firstOrigin: current.origin, visited: new Set() };
      chains.set(handler, chain);
    }
    chain.visited.add(withoutHash(current));
    const hopOpts =
      chain.hops > 0 && current.origin !== chain.firstOrigin ? { ...opts, headers: plainHeaders(opts.headers) } : opts;
    return dispatch(hopOpts, new GuardedHop(handler, current, chain, maxRedirections));
  };
}

class GuardedHop implements Dispatcher.DispatchHandler {
  constructor(
    private readonly handler: Dispatcher.DispatchHandler,
    private readonly current: URL,
    private readonly chain: Chain,
    private readonly maxRedirections: number,
  ) {}

  onRequestStart(controller: Dispatcher.DispatchController, context: unknown): void {
    this.handler.onRequestStart?.(controller, context);
  }

  onRequestUpgrade(...args: Parameters<NonNullable<Dispatcher.DispatchHandler['onRequestUpgrade']>>): void {
    this.handler.onRequestUpgrade?.(...args);
  }

  onResponseStart(
    controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: Record<string, string | string[] | undefined>,
    statusMessage?: string,
  ): void {
    const location = headers.location;
    if (redirectStatuses.has(statusCode) && location !== undefined) {
      // Thrown like undici's own redirect errors: the request fails with it at once.
      const refusal = this.refusalOf(Array.isArray(location) ? location[0] : location);
      if (refusal) throw new RedirectRefusedError(refusal, this.maxRedirections);
    }
    this.handler.onResponseStart?.(controller, statusCode, headers, statusMessage);
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.handler.onResponseData?.(controller, chunk);
  }

  onResponseEnd(
    controller: Dispatcher.DispatchController,
    trailers: Record<string, string | string[] | undefined>,
  ): void {
    this.handler.onResponseEnd?.(controller, trailers);
  }

  onResponseError(controller: Dispatcher.DispatchController, error: Error): void {
    this.handler.onResponseError?.(controller, error);
  }

  private refusalOf(location: string | undefined): RedirectRefusal | undefined {
    let target: URL;
    try {
      target = new URL(location ?? '', this.current);
    } catch {
      return 'not-http';
    }
    if (target.protocol !== 'http:' && target.protocol !== 'https:') return 'not-http';
    if (this.chain.hops >= this.maxRedirections) return 'too-many';
    if (this.chain.visited.has(withoutHash(target))) return 'loop';
    return undefined;
  }
}

function withoutHash(url: URL): string {
  return `${url.origin}${url.pathname}${url.search}`;
}

// Hop headers arrive as an object (the first hop, as the caller gave them) or as undici's flat
// [name, value, …] list (later hops).
function plainHeaders(headers: Dispatcher.DispatchOptions['headers']): Record<string, string | string[]> {
  const kept: Record<string, string | string[]> = {};
  const keep = (name: unknown, value: unknown) => {
    const key = (typeof name === 'string' ? name : Buffer.isBuffer(name) ? name.toString('latin1') : '').toLowerCase();
    if (!crossOriginHeaders.has(key)) return;
    if (typeof value === 'string') kept[key] = value;
    else if (Buffer.isBuffer(value)) kept[key] = value.toString('latin1');
    else if (Array.isArray(value)) kept[key] = value.filter((v): v is string => typeof v === 'string');
  };

  if (Array.isArray(headers)) {
    const list = headers as unknown[];
    if (Array.isArray(list[0])) for (const pair of list as unknown[][]) keep(pair[0], pair[1]);
    else for (let i = 0; i + 1 < list.length; i += 2) keep(list[i], list[i + 1]);
  } else if (headers && typeof headers === 'object') {
    for (const [name, value] of Object.entries(headers as Record<string, unknown>)) keep(name, value);
  }
  return kept;
}
