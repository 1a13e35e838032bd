import { Type, type Static, type TSchema } from 'typebox';
import { Nullable } from './common.js';

/** Where a setting's value comes from: a command-line flag (not changeable here), saved here, or the default. */
export const SettingSource = Type.Union([Type.Literal('flag'), Type.Literal('saved'), Type.Literal('default')]);
export type SettingSource = Static<typeof SettingSource>;

const Setting = <T extends TSchema>(value: T) => Type.Object({ value, source: SettingSource });

/** `GET /api/settings`: the runtime settings with where each value comes from. */
export const Settings = Type.Object({
  /** The tuner's name in Plex (discover.json FriendlyName). */
  tunerName: Setting(Type.String()),
  /** TunerCount handed to clients instead of the accounts' connection limits; null = their sum. */
  tunerCountOverride: Setting(Nullable(Type.Integer())),
  /** How long a stream request waits for a free tuner (ms). */
  tunerWaitMs: Setting(Type.Integer()),
  /** Days of programmes in /epg.xml. */
  epgDays: Setting(Type.Integer()),
  /** The server log's level. */
  logLevel: Setting(Type.String()),
});
export type Settings = Static<typeof Settings>;
export type SettingsResponse = Settings;

/**
 * `PATCH /api/settings`: the fields to change. Ranges are checked by the server (the error names
 * the field): tunerName 1-64 characters, tunerCountOverride null or 1-32, tunerWaitMs 0-60000,
 * epgDays 1-14, logLevel fatal|error|warn|info|debug|trace|silent. 409 for a field set by a flag.
 */
export const SettingsPatch = Type.Object(
  {
    tunerName: Type.Optional(Type.String({ maxLength: 200 })),
    tunerCountOverride: Type.Optional(Nullable(Type.Integer())),
    tunerWaitMs: Type.Optional(Type.Integer()),
    epgDays: Type.Optional(Type.Integer()),
    logLevel: Type.Optional(Type.String({ maxLength: 16 })),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type SettingsPatch = Static<typeof SettingsPatch>;
