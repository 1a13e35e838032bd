import { request, type Dispatcher } from 'undici';
import { AppError, type Logger } from '../core/index.js';
import { redactUrl } from '../credentials/index.js';
import { BodyTooLargeError, capBody, classifyNetworkError } from '../upstream-http/index.js';
import { buildApiUrl } from './stream-url.js';
import {
  parseAuthentication,
  parseCategories,
  parseLiveStreams,
  type ProviderCategory,
  type ProviderStream,
  type ProviderUserInfo,
} from './payload.js';

export interface XtreamClientOptions {
  serverUrl: string;
  username: string;
  password: string;
  /** Sent on every request; some providers reject unknown or empty agents. */
  userAgent: string;
  /** Whole-request budget (headers and body) per call. */
  requestTimeoutMs: number;
  /** The app's upstream dispatcher (follows redirects: panels behind load balancers redirect player_api.php); its owner closes it. */
  dispatcher: Dispatcher;
  /** JSON bodies larger than this are refused (a runaway or hostile panel). Default 256 MiB. */
  maxBodyBytes?: number;
  log?: Logger;
}

const defaultMaxBodyBytes = 256 * 1024 * 1024;

/** Told the bytes of a response body read so far, and its Content-Length when the panel sent one. */
export type BodyProgress = (bytesRead: number, total: number | undefined) => void;

/**
 * `player_api.php` client. Every failure becomes a typed AppError with an opaque message:
 * PROVIDER_AUTH_FAILED, PROVIDER_BAD_RESPONSE, PROVIDER_HTTP_ERROR, PROVIDER_TIMEOUT,
 * PROVIDER_UNREACHABLE. URLs (which carry the password) are never put in an error or a log line
 * unredacted.
 */
export class XtreamClient {
  constructor(private readonly options: XtreamClientOptions) {}

  /** Checks the credentials; returns the account's status and limits. */
  async authenticate(): Promise<ProviderUserInfo> {
    const body = await this.call('');
    let info: ProviderUserInfo | null;
    try {
      info = parseAuthentication(body);
    } catch (error) {
      throw badResponse('', error);
    }
    if (!info)
      throw new AppError('PROVIDER_AUTH_FAILED', 'provider rejected the credentials', {
        details: { action: 'authenticate' },
      });
    return info;
  }

  /** `get_live_categories`. */
  async getLiveCategories(): Promise<ProviderCategory[]> {
    const body = await this.call('get_live_categories');
    try {
      return parseCategories(body);
    } catch (error) {
      throw badResponse('get_live_categories', error, body);
    }
  }

  /** `get_live_streams` (all categories), validated and de-duplicated; `onBody` follows the download (it can be tens of MB). */
  async getLiveStreams(onBody?: BodyProgress): Promise<ProviderStream[]> {
    const body = await this.call('get_live_streams', onBody);
    try {
      return parseLiveStreams(body);
    } catch (error) {
      throw badResponse('get_live_streams', error, body);
    }
  }

  private async call(action: string, onBody?: BodyProgress): Promise<unknown> {
    const { serverUrl, username, password, requestTimeoutMs, maxBodyBytes = defaultMaxBodyBytes } = this.options;
    const url = buildApiUrl(serverUrl, username, password, action ? { action } : {});
    const what = action || 'authenticate';
    const started = performance.now();
    const signal = AbortSignal.timeout(requestTimeoutMs);
    let status: number;
    let text: string;
    try {
      const response = await request(url, {
        method: 'GET',
        dispatcher: this.options.dispatcher,
        signal,
        headersTimeout: requestTimeoutMs,
        bodyTimeout: requestTimeoutMs,
        headers: { 'user-agent': this.options.userAgent, accept: 'application/json' },
      });
      status = response.statusCode;
      text = (await readBody(response, maxBodyBytes, onBody)).toString('utf8');
    } catch (error) {
      if (error instanceof BodyTooLargeError)
        throw new AppError('PROVIDER_BAD_RESPONSE', 'provider response too large', {
          details: { maxBytes: maxBodyBytes },
        });
      throw networkError(what, error, signal.aborted);
    } finally {
      this.options.log?.debug(
        { action: what, url: redactUrl(url), ms: Math.round(performance.now() - started) },
        'provider request',
      );
    }
    if (status >= 400) {
      // Many panels answer bad credentials with 401/403 instead of auth: 0.
      if (action === '' && (status === 401 || status === 403)) {
        throw new AppError('PROVIDER_AUTH_FAILED', 'provider rejected the credentials', {
          details: { action: what, status },
        });
      }
      throw new AppError('PROVIDER_HTTP_ERROR', `provider answered HTTP ${status}`, {
        details: { action: what, status },
      });
    }
    if (text.trim() === '') {
      throw new AppError('PROVIDER_BAD_RESPONSE', 'provider sent an empty response', {
        details: { action: what, status },
      });
    }
    try {
      return JSON.parse(text) as unknown;
    } catch {
      // An HTML error page from a CDN, or a panel's PHP warning. Not even its start is logged: PHP
      // warnings echo the request URL, and with it the password.
      throw new AppError('PROVIDER_BAD_RESPONSE', 'provider sent an invalid response', {
        details: {
          action: what,
          status,
          bytes: Buffer.byteLength(text),
          looksLike: /^\s*</.test(text) ? 'html' : 'text',
        },
      });
    }
  }
}

function badResponse(action: string, error: unknown, body?: unknown): AppError {
  return new AppError('PROVIDER_BAD_RESPONSE', 'provider sent an invalid response', {
    details: {
      action: action || 'authenticate',
      reason: error instanceof Error ? error.message : String(error),
      ...(body !== undefined ? { bodyType: Array.isArray(body) ? 'array' : typeof body } : {}),
    },
  });
}

function networkError(action: string, error: unknown, aborted: boolean): AppError {
  const { reason: kind, code, redirect } = classifyNetworkError(error);
  const name = (error as { name?: unknown }).name;
  const reason = { action, code, name: typeof name === 'string' ? name : undefined };
  // A redirect we refused (file:, too many, a loop) is the provider's answer, not a dead host.
  if (kind === 'redirect') return new AppError('PROVIDER_BAD_RESPONSE', `provider ${redirect}`, { details: reason });
  // The only signal here is the request's own deadline, so an abort is a timeout too.
  if (aborted || kind === 'timeout' || kind === 'aborted') {
    return new AppError('PROVIDER_TIMEOUT', 'provider did not answer in time', { details: reason });
  }
  return new AppError('PROVIDER_UNREACHABLE', 'provider unreachable', {
    details: { ...reason, message: error instanceof Error ? redactUrl(error.message) : undefined },
  });
}

async function readBody(response: Dispatcher.ResponseData, maxBytes: number, onBody?: BodyProgress): Promise<Buffer> {
  const length = Number(response.headers['content-length']);
  const total = Number.isFinite(length) && length > 0 ? length : undefined;
  const chunks: Buffer[] = [];
  let read = 0;
  for await (const chunk of capBody(response.body, maxBytes)) {
    chunks.push(chunk);
    read += chunk.length;
    onBody?.(read, total);
  }
  return Buffer.concat(chunks);
}
