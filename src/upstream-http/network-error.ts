import { RedirectRefusedError } from './redirect-guard.js';

/**
 * What went wrong with an upstream request, in the few classes callers act on. `code` is the
 * errno or undici code (safe to log: it never holds a URL).
 */
export type NetworkErrorReason = 'timeout' | 'refused' | 'unreachable' | 'aborted' | 'redirect' | 'error';

export interface NetworkErrorClass {
  reason: NetworkErrorReason;
  code: string | undefined;
  /** For a refused redirect: what rule it broke, safe to show ("redirected more than 5 times"). */
  redirect?: string;
}

// undici's and the socket layer's codes for a connect, header or body timeout.
const timeoutCodes = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ETIMEDOUT',
]);

// No answer from that host at all: DNS, no route, or a connection reset or closed under us.
const unreachableCodes = new Set([
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNRESET',
  'UND_ERR_SOCKET',
]);

/** Classifies an error thrown by an undici request or its body by code (and by name for a signal's abort or timeout). */
export function classifyNetworkError(error: unknown): NetworkErrorClass {
  const code = errorCode(error);
  const name = (error as { name?: unknown } | null)?.name;
  if (error instanceof RedirectRefusedError) return { reason: 'redirect', code, redirect: error.message };
  if (name === 'TimeoutError' || (code !== undefined && timeoutCodes.has(code))) return { reason: 'timeout', code };
  // A signal's abort (DOMException) or undici's RequestAbortedError: whose signal it was, the caller knows.
  if (name === 'AbortError') return { reason: 'aborted', code };
  if (code === 'ECONNREFUSED') return { reason: 'refused', code };
  if (code !== undefined && unreachableCodes.has(code)) return { reason: 'unreachable', code };
  return { reason: 'error', code };
}

// undici wraps socket errors; the errno code may sit on the error or on its cause. 'UND_ERR' is
// the base class's code, which says nothing.
function errorCode(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && code !== 'UND_ERR') return code;
  }
  return undefined;
}
