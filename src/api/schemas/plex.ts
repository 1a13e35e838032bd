import { Type, type Static } from 'typebox';

/** What the set-up help says is wrong; `code` is stable for a UI, `message` is for people. */
export const PlexWarning = Type.Object({ code: Type.String(), message: Type.String() });
export type PlexWarning = Static<typeof PlexWarning>;

/** The URLs to paste into Plex and what needs fixing first. */
export const PlexSetup = Type.Object({
  tunerUrl: Type.String(),
  m3uUrl: Type.String(),
  epgUrl: Type.String(),
  tunerCount: Type.Integer(),
  enabledChannels: Type.Integer(),
  warnings: Type.Array(PlexWarning),
});
export type PlexSetup = Static<typeof PlexSetup>;
