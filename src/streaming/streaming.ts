import { randomUUID } from 'node:crypto';
import type { Dispatcher } from 'undici';
import { AppError, type AppConfig, type Clock, type Logger } from '../core/index.js';
import { redactUrl } from '../credentials/index.js';
import type { EventLog } from '../events/index.js';
import type { Lineup, StreamCandidate } from '../lineup/index.js';
import { buildStreamUrl } from '../xtream/index.js';
import { SessionRegistry, type SessionInfo } from './session-registry.js';
import { SlotPool } from './slot-pool.js';
import { StreamSession } from './stream-session.js';
import { openUpstream, UpstreamFailure } from './upstream.js';

/** What the stream proxy needs of the accounts domain: plaintext credentials and connection limits. */
export interface StreamAccounts {
  /** Throws AppError CREDENTIAL_UNAVAILABLE when the password cannot be recovered. */
  streamCredentials(accountId: number): { serverUrl: string; username: string; password: string };
  /** The account's effective connection limit. */
  connectionLimit(accountId: number): number;
}

/** What a stream request resolved to: the candidate it plays and its account's limit. */
export interface StreamTarget {
  /** The XMLTV channel id (stable, what Plex asked for). */
  channelId: string;
  candidate: StreamCandidate;
  /** Every candidate, best first; the first is played, the rest are for failover later. */
  candidates: StreamCandidate[];
  maxConnections: number;
}

export interface StreamingDeps {
  /** Resolves a channel to its ranked stream candidates. */
  lineup: Pick<Lineup, 'resolveStreamCandidates'>;
  events: EventLog;
  log: Logger;
  clock: Clock;
  config: Pick<AppConfig, 'userAgent' | 'tunerWaitMs' | 'upstreamConnectTimeoutMs'>;
  accounts: StreamAccounts;
  /** The app's upstream dispatcher (follows redirects); its owner closes it. */
  dispatcher: Dispatcher;
  /** A live upstream silent this long is dead (default 20 s). */
  upstreamIdleTimeoutMs?: number;
}

export interface StreamRequest {
  /** The XMLTV channel id (unvalidated: validated here). */
  channelId: string;
  clientAddress: string;
  /** Aborted when the client goes away; gives up waiting/connecting and ends the session. */
  signal: AbortSignal;
}

// Opaque on purpose: the client learns that the stream cannot play, not why (no hosts, no URLs).
const unavailable = 'stream unavailable';

/**
 * The stream proxy's domain: resolve a lineup channel → choose the tier → take a tuner slot →
 * connect upstream; the caller then relays the session to its client. Everything that can fail
 * before the first byte throws an AppError, so the one error handler answers the client.
 *
 * Room for what comes next: failover tries `target.candidates` (already ranked) and then the other
 * mappings where `start()` now takes the first variant, and mid-stream behind `relayTo`; one
 * upstream shared by every viewer of a channel replaces the one-client `relay()` with a hub fed
 * by the same `openUpstream()` (the slot then belongs to the hub, not to each viewer).
 */
export class Streaming {
  readonly sessions = new SessionRegistry();
  readonly slots = new SlotPool();
  private readonly live = new Set<StreamSession>();
  /** Bumped per account by `endSessionsOfAccount`: a request that waited for a slot across it gives up. */
  private readonly accountEpochs = new Map<number, number>();

  constructor(private readonly deps: StreamingDeps) {}

  /** Resolves and checks a channel without touching the provider (for HEAD): 400/404/503 as GET would. */
  check(channelId: string): StreamTarget {
    return this.resolve(channelId);
  }

  /** Opens a stream up to the point where the upstream answered 200; relay it with `session.relayTo(client)`. */
  async start(request: StreamRequest): Promise<StreamSession> {
    const { events, config, clock } = this.deps;
    const target = this.resolve(request.channelId);
    const variant = target.candidate;
    const epoch = this.accountEpochs.get(variant.accountId) ?? 0;

    const slot = await this.slots.acquire(variant.accountId, {
      limit: target.maxConnections,
      waitMs: config.tunerWaitMs,
      signal: request.signal,
    });
    if (!slot) {
      // Not a full account: the client left while waiting, or the server is shutting down.
      if (request.signal.aborted || this.slots.isClosed) {
        throw new AppError('UPSTREAM_UNAVAILABLE', unavailable, {
          details: { reason: request.signal.aborted ? 'client left while waiting' : 'shutting down' },
        });
      }
      const details = {
        channelId: target.channelId,
        accountId: variant.accountId,
        limit: target.maxConnections,
        clientAddress: request.clientAddress,
      };
      events.record({ level: 'warn', category: 'tuner', message: 'All tuners in use', details });
      throw new AppError('TUNER_LIMIT', 'all tuners in use', {
        headers: { 'X-HDHomeRun-Error': '805 All Tuners In Use' },
        details,
      });
    }
    if ((this.accountEpochs.get(variant.accountId) ?? 0) !== epoch) {
      // The account was deleted or switched off while this request waited for one of its slots.
      slot.release();
      throw new AppError('ACCOUNT_INACTIVE', unavailable, {
        details: { channelId: target.channelId, accountId: variant.accountId },
      });
    }

    const info: SessionInfo = {
      id: randomUUID(),
      channelId: target.channelId,
      accountId: variant.accountId,
      streamId: variant.streamId,
      tier: variant.tier,
      clientAddress: request.clientAddress,
      state: 'connecting',
      startedAt: clock.now(),
      bytesSent: 0,
    };
    const session = new StreamSession(info, slot, { registry: this.sessions, events, log: this.deps.log, clock });
    this.live.add(session);
    void session.whenEnded().then(() => this.live.delete(session));
    const onClientGone = () => session.end('client-closed');
    request.signal.addEventListener('abort', onClientGone, { once: true });
    void session.whenEnded().then(() => request.signal.removeEventListener('abort', onClientGone));

    let url: string | undefined;
    try {
      const credentials = this.deps.accounts.streamCredentials(variant.accountId);
      url = buildStreamUrl(credentials.serverUrl, credentials.username, credentials.password, variant.streamId);
      const upstream = await openUpstream(url, this.deps.dispatcher, {
        userAgent: config.userAgent,
        answerTimeoutMs: config.upstreamConnectTimeoutMs,
        idleTimeoutMs: this.deps.upstreamIdleTimeoutMs ?? 20_000,
        signal: session.signal,
      });
      session.markStreaming(upstream);
      return session;
    } catch (error) {
      session.end('upstream-failed');
      if (!(error instanceof UpstreamFailure)) throw error;
      const details = {
        sessionId: info.id,
        channelId: target.channelId,
        accountId: variant.accountId,
        streamId: variant.streamId,
        tier: variant.tier,
        url: url === undefined ? undefined : redactUrl(url),
        reason: error.reason,
        ...(error.status === undefined ? {} : { status: error.status }),
        ...(error.errorCode === undefined ? {} : { errorCode: error.errorCode }),
      };
      if (error.reason !== 'aborted')
        events.record({ level: 'warn', category: 'stream', message: 'Upstream unavailable', details });
      throw new AppError('UPSTREAM_UNAVAILABLE', unavailable, { details });
    }
  }

  /**
   * Ends every live session of an account at once (it was deleted or switched off): the client's
   * response ends, the upstream connection closes, the slot is released, and each relaying
   * session's "Stream ended" event names the reason. Returns how many sessions ended.
   */
  endSessionsOfAccount(accountId: number, reason: 'account-deleted' | 'account-deactivated'): number {
    this.accountEpochs.set(accountId, (this.accountEpochs.get(accountId) ?? 0) + 1);
    const ending = [...this.live].filter((session) => session.info.accountId === accountId);
    for (const session of ending) session.end(reason);
    if (ending.length > 0) {
      this.deps.events.record({
        level: 'info',
        category: 'stream',
        message: `Ended ${ending.length} stream${ending.length === 1 ? '' : 's'}: ${reason.replace('-', ' ')}`,
        details: { accountId, reason, sessionIds: ending.map((session) => session.info.id) },
      });
    }
    return ending.length;
  }

  /** Shutdown: waiting requests give up, every session ends (client closed, upstream aborted, slot freed). */
  async closeAll(): Promise<void> {
    this.slots.close();
    for (const session of [...this.live]) session.end('shutdown');
  }

  private resolve(channelId: string): StreamTarget {
    const { candidates } = this.deps.lineup.resolveStreamCandidates(channelId);
    const candidate = candidates[0]!; // resolving answers 404 for a channel without streams
    if (!candidate.accountActive) {
      throw new AppError('ACCOUNT_INACTIVE', unavailable, { details: { channelId, accountId: candidate.accountId } });
    }
    return {
      channelId,
      candidate,
      candidates,
      maxConnections: this.deps.accounts.connectionLimit(candidate.accountId),
    };
  }
}
