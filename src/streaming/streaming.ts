import { randomUUID } from 'node:crypto';
import type { Dispatcher } from 'undici';
import { AppError, notFound, type AppConfig, type Clock, type Logger } from '../core/index.js';
import type { EventLog } from '../events/index.js';
import type { Lineup, StreamCandidate } from '../lineup/index.js';
import { CandidatePicker } from './candidate-picker.js';
import type { HubInfo } from './channel-hub.js';
import { unavailable, type StreamAccounts } from './connector.js';
import { HubRegistry } from './hub-registry.js';
import { SessionRegistry, type SessionInfo } from './session-registry.js';
import { SlotPool } from './slot-pool.js';
import { Viewer } from './viewer.js';

/** What a stream request resolved to: the channel and its candidates on active accounts, in the order to try. */
export interface StreamTarget {
  /** The XMLTV channel id (stable, what Plex asked for). */
  channelId: string;
  /** Every playable candidate, best first (the lineup's rank, then what the engine learnt). */
  candidates: StreamCandidate[];
}

export interface StreamingDeps {
  /** Resolves a channel to its ranked stream candidates. */
  lineup: Pick<Lineup, 'resolveStreamCandidates'>;
  events: EventLog;
  log: Logger;
  clock: Clock;
  config: Pick<
    AppConfig,
    'userAgent' | 'tunerWaitMs' | 'upstreamConnectTimeoutMs' | 'stallTimeoutMs' | 'recoveryTimeoutMs' | 'hubGraceMs'
  >;
  accounts: StreamAccounts;
  /** The app's upstream dispatcher (follows redirects); its owner closes it. */
  dispatcher: Dispatcher;
}

export interface StreamRequest {
  /** The XMLTV channel id (unvalidated: validated here). */
  channelId: string;
  clientAddress: string;
  /** Aborted when the client goes away; gives up waiting/connecting and ends the viewer. */
  signal: AbortSignal;
}

/**
 * The stream engine: a request resolves its channel, joins the channel's hub (one shared
 * upstream per channel, created on the first request) and waits until the hub plays; the caller
 * then writes the viewer to its client. Everything that can fail before the first byte throws an
 * AppError for the one error handler; after it, failures are repaired inside the response
 * (failover in the hub's feed) or end it.
 */
export class Streaming {
  /** Every viewer, as the sessions API and the tuner status show them. */
  readonly sessions = new SessionRegistry();
  readonly slots = new SlotPool();
  readonly hubs: HubRegistry;
  private readonly picker: CandidatePicker;
  /** Bumped per account by `endSessionsOfAccount`: a request that waited for a slot across it gives up. */
  private readonly accountEpochs = new Map<number, number>();

  constructor(private readonly deps: StreamingDeps) {
    this.picker = new CandidatePicker(() => deps.clock.now());
    this.hubs = new HubRegistry(
      {
        ...deps,
        slots: this.slots,
        picker: this.picker,
        reclaim: (accountId) => this.hubs.reclaim(accountId),
        accountEpoch: (accountId) => this.accountEpochs.get(accountId) ?? 0,
        waitingFor: (accountId) => this.slots.waiting(accountId),
      },
      () => this.sessions.changed(),
    );
  }

  /**
   * Calls `listener` when what `GET /api/sessions` shows changes shape: a viewer joined, started
   * relaying or ended, a hub opened or closed (byte counts and rates change all the time and are
   * not reported). Returns the unsubscribe function.
   */
  onSessionsChange(listener: () => void): () => void {
    return this.sessions.onChange(listener);
  }

  /** Resolves and checks a channel without touching the provider (for HEAD): 400/404/503 as GET would. */
  check(channelId: string): StreamTarget {
    return this.resolve(channelId);
  }

  /** Joins the channel's hub and resolves once it plays; write it with `viewer.relayTo(client)`. */
  async start(request: StreamRequest): Promise<Viewer> {
    const { clock, events } = this.deps;
    const target = this.resolve(request.channelId);
    const first = target.candidates[0]!;
    const info: SessionInfo = {
      id: randomUUID(),
      channelId: target.channelId,
      accountId: first.accountId,
      streamId: first.streamId,
      tier: first.tier,
      clientAddress: request.clientAddress,
      state: 'connecting',
      startedAt: clock.now(),
      bytesSent: 0,
    };
    // The hub's candidates are read again at each failover: a remap or an account change applies.
    const hub = this.hubs.hubFor(target.channelId, () => this.resolve(target.channelId).candidates);
    const viewer = new Viewer(info, {
      registry: this.sessions,
      events,
      log: this.deps.log,
      clock,
      onEnd: (ended) => hub.leave(ended),
      onDrain: () => hub.viewerDrained(),
    });
    hub.join(viewer);
    const onClientGone = () => viewer.end('client-closed');
    request.signal.addEventListener('abort', onClientGone, { once: true });
    void viewer.whenEnded().then(() => request.signal.removeEventListener('abort', onClientGone));
    try {
      await hub.ready;
    } catch (error) {
      viewer.end('upstream-failed');
      if (error instanceof AppError && error.code === 'TUNER_LIMIT') {
        const details = { ...(error.details as object), clientAddress: request.clientAddress };
        events.record({ level: 'warn', category: 'tuner', message: 'All tuners in use', details });
      }
      throw error;
    }
    if (viewer.isEnded) {
      throw new AppError('UPSTREAM_UNAVAILABLE', unavailable, {
        details: { channelId: target.channelId, reason: 'client left while connecting' },
      });
    }
    return viewer;
  }

  /** The hubs with their viewers, oldest first (the sessions API). */
  listHubs(): HubInfo[] {
    return this.hubs.list().map((hub) => hub.describe());
  }

  /**
   * Ends every stream of an account at once (it was deleted or switched off): the viewers'
   * responses end, the upstream connections close, the slots are released, and each viewer's
   * "Stream ended" event names the reason. A channel that also plays on another active account
   * fails over to it instead, inside the running responses. Returns how many viewers ended.
   */
  endSessionsOfAccount(accountId: number, reason: 'account-deleted' | 'account-deactivated'): number {
    this.accountEpochs.set(accountId, (this.accountEpochs.get(accountId) ?? 0) + 1);
    const hubs = this.hubs
      .list()
      .filter((hub) => hub.candidate?.accountId === accountId)
      .filter((hub) => !(this.playsElsewhere(hub.channelId, accountId) && hub.moveOffAccount(reason)));
    const ids = hubs.flatMap((hub) => [...hub.viewers].map((v) => v.info.id));
    for (const hub of hubs) hub.endForAccount(reason);
    if (ids.length > 0) {
      this.deps.events.record({
        level: 'info',
        category: 'stream',
        message: `Ended ${ids.length} stream${ids.length === 1 ? '' : 's'}: ${reason.replace('-', ' ')}`,
        details: { accountId, reason, sessionIds: ids },
      });
    }
    return ids.length;
  }

  /**
   * An admin stops a channel's stream (`DELETE /api/sessions/:hubId`): every viewer's response
   * ends, the provider connection closes and the slot frees before this resolves. 404 for a hub
   * that is not (or no longer) open.
   */
  async stopHub(hubId: string): Promise<void> {
    const hub = this.hubs.list().find((h) => h.id === hubId);
    if (!hub) throw notFound('stream');
    const sessionIds = [...hub.viewers].map((v) => v.info.id);
    const candidate = hub.candidate;
    await hub.close('stopped-by-admin');
    this.deps.events.record({
      level: 'info',
      category: 'stream',
      message: 'Stream stopped by admin',
      details: {
        hubId,
        channelId: hub.channelId,
        sessionIds,
        ...(candidate ? { accountId: candidate.accountId, streamId: candidate.streamId } : {}),
      },
    });
  }

  /** Shutdown: waiting requests give up, every hub and viewer ends; resolves once every slot is free. */
  async closeAll(): Promise<void> {
    this.slots.close();
    await Promise.all(this.hubs.list().map((hub) => hub.close('shutdown')));
  }

  /** True when the channel has a playable candidate on an active account other than `accountId`. */
  private playsElsewhere(channelId: string, accountId: number): boolean {
    try {
      return this.resolve(channelId).candidates.some((c) => c.accountId !== accountId);
    } catch {
      return false;
    }
  }

  private resolve(channelId: string): StreamTarget {
    const { candidates } = this.deps.lineup.resolveStreamCandidates(channelId);
    const playable = this.picker.order(channelId, candidates);
    if (playable.length === 0) {
      // Resolving answers 404 for a channel without streams, so every candidate's account is off.
      throw new AppError('ACCOUNT_INACTIVE', unavailable, {
        details: { channelId, accountId: candidates[0]?.accountId },
      });
    }
    return { channelId, candidates: playable };
  }
}
