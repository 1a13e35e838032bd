import type { Dispatcher } from 'undici';
import { AppError, type AppConfig, type Logger } from '../core/index.js';
import { redactUrl } from '../credentials/index.js';
import type { EventLog } from '../events/index.js';
import type { StreamCandidate } from '../lineup/index.js';
import { buildStreamUrl } from '../xtream/index.js';
import type { CandidatePicker } from './candidate-picker.js';
import type { Slot, SlotPool } from './slot-pool.js';
import { openUpstream, UpstreamFailure, type Upstream } from './upstream.js';

/** What the stream engine needs of the accounts domain: plaintext credentials and connection limits. */
export interface StreamAccounts {
  /** Throws AppError CREDENTIAL_UNAVAILABLE when the password cannot be recovered. */
  streamCredentials(accountId: number): { serverUrl: string; username: string; password: string };
  /** The account's effective connection limit. */
  connectionLimit(accountId: number): number;
}

export interface ConnectorDeps {
  slots: SlotPool;
  picker: CandidatePicker;
  accounts: StreamAccounts;
  dispatcher: Dispatcher;
  events: EventLog;
  log: Logger;
  config: Pick<AppConfig, 'userAgent' | 'tunerWaitMs' | 'upstreamConnectTimeoutMs' | 'stallTimeoutMs'>;
  /** Closes the account's hubs that are only lingering (grace); true when one will free a slot. */
  reclaim(accountId: number): boolean;
  /** Bumped when the account is deleted or switched off: a slot taken across it is given back. */
  accountEpoch(accountId: number): number;
}

/** A candidate that answered with MPEG-TS, holding its account's slot until `close()`. */
export interface Connection {
  candidate: StreamCandidate;
  upstream: Upstream;
  /** Redacted: safe for logs and events. */
  url: string;
  /** Ends the request and frees the slot once the provider connection is closed (idempotent). */
  close(): Promise<void>;
}

// Opaque on purpose: the client learns that the stream cannot play, not why (no hosts, no URLs).
export const unavailable = 'stream unavailable';

/**
 * Tries candidates in order until one plays: one upstream request per candidate (never a probe
 * then a second request: a one-connection account would count both). A candidate whose account is
 * full is skipped while others remain; only when every candidate's account is full does the
 * request wait (the tuner wait window) for a slot. After a 401/403 the rest of that account is
 * skipped. Each failed attempt's slot is freed once its socket closed, before the next attempt,
 * so a one-connection account is never asked for two streams at once.
 */
export async function connectFirst(
  channelId: string,
  order: readonly StreamCandidate[],
  deps: ConnectorDeps,
  signal: AbortSignal,
): Promise<Connection> {
  const refusedAccounts = new Set<number>();
  const full: StreamCandidate[] = [];
  let lastError: AppError | undefined;
  const attempt = async (candidate: StreamCandidate, waitMs: number): Promise<Connection | 'full' | 'failed'> => {
    const epoch = deps.accountEpoch(candidate.accountId);
    const freeing = deps.reclaim(candidate.accountId);
    const slot = await deps.slots.acquire(candidate.accountId, {
      limit: deps.accounts.connectionLimit(candidate.accountId),
      // A lingering hub of the account is closing for us: its slot frees within a socket close.
      waitMs: freeing ? Math.max(waitMs, 3000) : waitMs,
      signal,
    });
    if (!slot) return signal.aborted || deps.slots.isClosed ? 'failed' : 'full';
    if (deps.accountEpoch(candidate.accountId) !== epoch) {
      // The account was deleted or switched off while this request waited for one of its slots.
      slot.release();
      refusedAccounts.add(candidate.accountId);
      lastError = new AppError('ACCOUNT_INACTIVE', unavailable, {
        details: { channelId, accountId: candidate.accountId },
      });
      return 'failed';
    }
    const result = await open(channelId, candidate, slot, deps, signal);
    if (result instanceof AppError) {
      lastError = result;
      const status = (result.details as { status?: number } | undefined)?.status;
      if (status === 401 || status === 403 || result.code === 'CREDENTIAL_UNAVAILABLE')
        refusedAccounts.add(candidate.accountId);
      if (result.code === 'UPSTREAM_UNAVAILABLE') deps.picker.coolDown(candidate);
      return 'failed';
    }
    return result;
  };

  for (const candidate of order) {
    if (signal.aborted) break;
    if (refusedAccounts.has(candidate.accountId)) continue;
    const result = await attempt(candidate, 0);
    if (result === 'full') full.push(candidate);
    else if (result !== 'failed') return result;
  }
  // Every account that is left is full: now wait, for the first of them, then try the rest again.
  for (const [index, candidate] of full.entries()) {
    if (signal.aborted) break;
    if (refusedAccounts.has(candidate.accountId)) continue;
    const result = await attempt(candidate, index === 0 ? deps.config.tunerWaitMs : 0);
    if (result === 'full' && index === 0) {
      const details = {
        channelId,
        accountId: candidate.accountId,
        limit: deps.accounts.connectionLimit(candidate.accountId),
      };
      lastError = new AppError('TUNER_LIMIT', 'all tuners in use', {
        headers: { 'X-HDHomeRun-Error': '805 All Tuners In Use' },
        details,
      });
    } else if (result !== 'full' && result !== 'failed') return result;
  }
  if (signal.aborted || deps.slots.isClosed) {
    throw new AppError('UPSTREAM_UNAVAILABLE', unavailable, {
      details: { channelId, reason: signal.aborted ? 'client left while waiting' : 'shutting down' },
    });
  }
  throw (
    lastError ?? new AppError('UPSTREAM_UNAVAILABLE', unavailable, { details: { channelId, reason: 'no candidate' } })
  );
}

/** One upstream request for one candidate, holding `slot`: a Connection, or the AppError why not (the slot then freed). */
async function open(
  channelId: string,
  candidate: StreamCandidate,
  slot: Slot,
  deps: ConnectorDeps,
  signal: AbortSignal,
): Promise<Connection | AppError> {
  let url: string | undefined;
  try {
    const credentials = deps.accounts.streamCredentials(candidate.accountId);
    url = buildStreamUrl(credentials.serverUrl, credentials.username, credentials.password, candidate.streamId);
    const upstream = await openUpstream(url, deps.dispatcher, {
      userAgent: deps.config.userAgent,
      answerTimeoutMs: deps.config.upstreamConnectTimeoutMs,
      idleTimeoutMs: Math.max(20_000, deps.config.stallTimeoutMs * 4),
      signal,
    });
    let closing: Promise<void> | undefined;
    return {
      candidate,
      upstream,
      url: redactUrl(url),
      close: () => (closing ??= upstream.close().then(() => slot.release())),
    };
  } catch (error) {
    if (!(error instanceof UpstreamFailure)) {
      slot.release();
      if (error instanceof AppError) return error;
      throw error;
    }
    // The slot is free only once the failed request's socket is closed.
    await error.closed;
    slot.release();
    const details = {
      channelId,
      accountId: candidate.accountId,
      streamId: candidate.streamId,
      tier: candidate.tier,
      url: url === undefined ? undefined : redactUrl(url),
      reason: error.reason,
      ...(error.status === undefined ? {} : { status: error.status }),
      ...(error.errorCode === undefined ? {} : { errorCode: error.errorCode }),
    };
    if (error.reason !== 'aborted')
      deps.events.record({ level: 'warn', category: 'stream', message: 'Upstream unavailable', details });
    return new AppError('UPSTREAM_UNAVAILABLE', unavailable, { details });
  }
}
