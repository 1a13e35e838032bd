/*
 * Provider payloads, parsed once at the boundary into our own types. Panels send ids and counts
 * as numbers or strings, "" or null for absent, booleans as 0/1/"1", names with stray spaces,
 * separator rows ("##### UK SPORTS #####") and the same stream once per category.
 */
import { isSeparatorName } from '../core/index.js';

export interface ProviderUserInfo {
  status: string;
  /** ms; null = never / unknown. */
  expiresAt: number | null;
  maxConnections: number | null;
  activeConnections: number | null;
  isTrial: boolean;
}

export interface ProviderCategory {
  id: string;
  name: string;
}

export interface ProviderStream {
  streamId: number;
  name: string;
  num: number | null;
  icon: string | null;
  epgChannelId: string | null;
  categoryId: string | null;
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** An integer from a number or a numeric string; anything else → null. */
export function toInteger(value: unknown): number | null {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value : null;
  if (typeof value === 'string' && /^\s*-?\d+\s*$/.test(value)) {
    const n = Number(value);
    return Number.isSafeInteger(n) ? n : null;
  }
  return null;
}

/** A trimmed non-empty string from a string or number; "", null, "null" → null. */
export function toText(value: unknown): string | null {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') return null;
  const text = value.replace(/\s+/g, ' ').trim();
  return text === '' || text.toLowerCase() === 'null' ? null : text;
}

/** Truthy the way panels write it: 1, "1", true, "true". */
function toFlag(value: unknown): boolean | null {
  if (value === 1 || value === '1' || value === true || value === 'true') return true;
  if (value === 0 || value === '0' || value === false || value === 'false') return false;
  return null;
}

/**
 * `player_api.php` without action. Returns null when the panel says the credentials are wrong
 * (`auth: 0`, or a `user_info` without auth); throws a plain Error when the shape is not Xtream.
 */
export function parseAuthentication(body: unknown): ProviderUserInfo | null {
  if (!isObject(body) || !isObject(body.user_info)) {
    // Some panels answer bad credentials with `[]` or `{}`.
    if ((Array.isArray(body) && body.length === 0) || (isObject(body) && Object.keys(body).length === 0)) return null;
    throw new Error('no user_info object');
  }
  const info = body.user_info;
  if (toFlag(info.auth) !== true) return null;
  const expSeconds = toInteger(info.exp_date);
  const maxConnections = toInteger(info.max_connections);
  return {
    status: toText(info.status) ?? 'Unknown',
    expiresAt: expSeconds && expSeconds > 0 ? expSeconds * 1000 : null,
    maxConnections: maxConnections !== null && maxConnections >= 1 ? maxConnections : null,
    activeConnections: toInteger(info.active_cons),
    isTrial: toFlag(info.is_trial) ?? false,
  };
}

/** `get_live_categories`: rows without an id are skipped. */
export function parseCategories(body: unknown): ProviderCategory[] {
  if (!Array.isArray(body)) throw new Error('categories are not an array');
  const seen = new Set<string>();
  const out: ProviderCategory[] = [];
  for (const row of body) {
    if (!isObject(row)) continue;
    const id = toText(row.category_id);
    if (id === null || seen.has(id)) continue;
    seen.add(id);
    out.push({ id, name: toText(row.category_name) ?? id });
  }
  return out;
}

/** `get_live_streams`: invalid rows and separators skipped, de-duplicated by stream id (first wins). */
export function parseLiveStreams(body: unknown): ProviderStream[] {
  if (!Array.isArray(body)) throw new Error('streams are not an array');
  const seen = new Set<number>();
  const out: ProviderStream[] = [];
  for (const row of body) {
    if (!isObject(row)) continue;
    const streamId = toInteger(row.stream_id);
    const name = toText(row.name);
    if (streamId === null || streamId < 0 || name === null || seen.has(streamId)) continue;
    if (isSeparatorName(name)) continue;
    seen.add(streamId);
    const icon = toText(row.stream_icon);
    out.push({
      streamId,
      name,
      num: toInteger(row.num),
      icon: icon && /^https?:\/\//i.test(icon) ? icon : null,
      epgChannelId: toText(row.epg_channel_id),
      categoryId: toText(row.category_id),
    });
  }
  return out;
}
