import { Type, type Static } from 'typebox';
import { Nullable } from './common.js';

// Allow-list: the stored URL is shown with its credentials masked (provider guide links carry them).
export const XmltvSource = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  url: Type.String(),
  accountId: Nullable(Type.Integer()),
  enabled: Type.Boolean(),
  timeShiftMinutes: Type.Integer(),
  lastRefreshAt: Nullable(Type.String()),
  lastAttemptAt: Nullable(Type.String()),
  lastError: Nullable(Type.String()),
  lastDurationMs: Nullable(Type.Integer()),
  channels: Type.Integer(),
  programmes: Type.Integer(),
  // The running import; `total` (bytes) and `percent` when the guide's size is known.
  refresh: Nullable(
    Type.Object({
      startedAt: Type.String(),
      bytesRead: Type.Integer(),
      total: Type.Optional(Type.Integer()),
      percent: Type.Optional(Type.Integer()),
      programmes: Type.Integer(),
    }),
  ),
});
export type XmltvSource = Static<typeof XmltvSource>;

export const XmltvSourceList = Type.Array(XmltvSource);
export type XmltvSourceList = Static<typeof XmltvSourceList>;

const Name = Type.String({ minLength: 1, maxLength: 200 });
// http(s) URL, file:// URL or an absolute path; checked again by the domain.
const Location = Type.String({ minLength: 1, maxLength: 4096 });
const AccountId = Type.Integer({ minimum: 1 });
// Minutes added to the guide's times on output (guides with wrong offsets); output stays UTC.
const TimeShift = Type.Integer({ minimum: -1440, maximum: 1440 });

// Either `url` or `accountId` (that account's own xmltv.php); the domain insists on exactly one.
export const XmltvSourceCreate = Type.Object(
  {
    name: Name,
    url: Type.Optional(Location),
    accountId: Type.Optional(AccountId),
    enabled: Type.Optional(Type.Boolean()),
    timeShiftMinutes: Type.Optional(TimeShift),
  },
  { additionalProperties: false },
);
export type XmltvSourceCreate = Static<typeof XmltvSourceCreate>;

export const XmltvSourcePatch = Type.Object(
  {
    name: Type.Optional(Name),
    url: Type.Optional(Location),
    accountId: Type.Optional(AccountId),
    enabled: Type.Optional(Type.Boolean()),
    timeShiftMinutes: Type.Optional(TimeShift),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type XmltvSourcePatch = Static<typeof XmltvSourcePatch>;

/** `POST /api/xmltv-sources/upload?name=`: the display name of the source created for the file. */
export const XmltvUploadQuery = Type.Object({ name: Name }, { additionalProperties: false });
export type XmltvUploadQuery = Static<typeof XmltvUploadQuery>;

/** What one import brought in. */
export const GuideRefreshResult = Type.Object({
  channels: Type.Integer(),
  programmes: Type.Integer(),
  durationMs: Type.Integer(),
});
export type GuideRefreshResult = Static<typeof GuideRefreshResult>;

/** The daily refresh time, `HH:MM` local time. */
export const RefreshSchedule = Type.Object({ refreshTime: Type.String() });
export type RefreshSchedule = Static<typeof RefreshSchedule>;

export const RefreshScheduleBody = Type.Object(
  { refreshTime: Type.String({ minLength: 3, maxLength: 5 }) },
  { additionalProperties: false },
);
export type RefreshScheduleBody = Static<typeof RefreshScheduleBody>;
