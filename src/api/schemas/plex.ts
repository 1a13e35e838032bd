import { Type, type Static } from 'typebox';
import { Nullable } from './common.js';

/** What the set-up help says is wrong; `code` is stable for a UI, `message` is for people. */
export const PlexWarning = Type.Object({ code: Type.String(), message: Type.String() });
export type PlexWarning = Static<typeof PlexWarning>;

/** A client's fetch of a tuner document: when (ISO) and from which address. */
export const TunerFetch = Type.Object({ at: Type.String(), clientAddress: Type.String() });
export type TunerFetch = Static<typeof TunerFetch>;

/** The URLs to paste into Plex and what needs fixing first. */
export const PlexSetup = Type.Object({
  tunerUrl: Type.String(),
  m3uUrl: Type.String(),
  epgUrl: Type.String(),
  tunerCount: Type.Integer(),
  enabledChannels: Type.Integer(),
  warnings: Type.Array(PlexWarning),
  /** The last fetch of `/discover.json` and `/lineup.json` since start: did Plex reach us? */
  lastFetched: Type.Object({ discover: Nullable(TunerFetch), lineup: Nullable(TunerFetch) }),
});
export type PlexSetup = Static<typeof PlexSetup>;
