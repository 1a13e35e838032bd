// Types of endpoints another helper is adding (not on main yet). The lead swaps each for the real
// schema type from ./types at merge.
import type { AuthSession, PlexSetup } from './types';

/** Where a setting's value comes from: a command-line flag (locked), saved in the UI, or the default. */
export type SettingSource = 'flag' | 'saved' | 'default';
interface SettingValue<T> {
  value: T;
  source: SettingSource;
}

// pending: GET /api/settings
export interface Settings {
  tunerName: SettingValue<string>;
  tunerCountOverride: SettingValue<number | null>;
  tunerWaitMs: SettingValue<number>;
  epgDays: SettingValue<number>;
  logLevel: SettingValue<string>;
}

// pending: PATCH /api/settings
export type SettingsPatch = Partial<{ [K in keyof Settings]: Settings[K]['value'] }>;

// pending: GET /api/plex (lastFetched)
export type PlexSetupWithFetches = PlexSetup & {
  lastFetched?: {
    discover: { at: string; clientAddress: string } | null;
    lineup: { at: string; clientAddress: string } | null;
  };
};

// pending: GET /api/auth/session (loopback)
export type AuthSessionWithLoopback = AuthSession & { loopback?: boolean };

// pending: POST /api/xmltv-sources/upload?name= (raw XML or gzip body) → 201 the new source
export type { XmltvSource as UploadedXmltvSource } from './types';

// pending: POST /api/auth/password with only { newPassword } (the first password, from loopback)
export interface FirstPassword {
  newPassword: string;
}

// pending: GET /api/guide?from&to&offset&limit
/** A page of enabled channels, each with its programmes between `from` and `to`. */
export interface GuideGridPage {
  channels: {
    id: number;
    number: number | null;
    name: string;
    logo: string | null;
    programmes: {
      start: string;
      stop: string;
      title: string;
      subtitle?: string;
      description?: string;
      category?: string;
    }[];
  }[];
  total: number;
  from: string;
  to: string;
}
