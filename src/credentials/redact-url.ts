/*
 * Upstream Xtream URLs carry the password: `/live/{user}/{pass}/{id}.ts` (also timeshift,
 * movie and series paths), `player_api.php?username=&password=`, and sometimes userinfo.
 * Anything that logs or records a URL passes it through here first.
 */
const credentialPaths = new Set(['live', 'timeshift', 'movie', 'series']);
const credentialParams = ['username', 'password', 'user', 'pass'];
const mask = '***';

/** The text that stands for a masked value (also what a client sends back to mean "keep the stored one"). */
export const urlMask = mask;

/** Replaces the user and password segments, credential query params and userinfo of a URL with `***`. */
export function redactUrl(url: string): string {
  const parsed = parseUrl(url);
  if (!parsed) return redactText(url);
  maskKnownCredentials(parsed);
  for (const name of credentialParams) if (parsed.searchParams.has(name)) parsed.searchParams.set(name, mask);
  return parsed.toString();
}

/**
 * Like `redactUrl`, for URLs whose shape we cannot know (guide links: `?token=`, `?key=`,
 * `?pwd=` are as secret as `?password=`): every query value (and a key without one), userinfo,
 * Xtream credential paths and the fragment are masked.
 */
export function redactUrlFully(url: string): string {
  const parsed = parseUrl(url);
  if (!parsed) return redactText(url);
  maskKnownCredentials(parsed);
  parsed.search = queryParts(parsed)
    .map(({ key, value }) => (value === undefined || value === '' ? mask : `${key}=${mask}`))
    .join('&');
  if (parsed.hash) parsed.hash = mask;
  return parsed.toString();
}

/**
 * `edited` (a URL shown masked, which a client changed and sent back) with each `***` put back
 * from `original`, the real URL it was masked from: userinfo, path segments by position, query
 * values by name (in order), a key-only part by position among them, and the fragment. A client
 * can so change a guide URL without knowing its secrets. Undefined when a `***` has no
 * counterpart. The caller checks that the origin did not change (the secrets would go there).
 */
export function unmaskUrl(edited: string, original: string): string | undefined {
  const next = parseUrl(edited);
  const real = parseUrl(original);
  if (!next || !real) return undefined;
  if (next.username === mask) next.username = real.username;
  if (next.password === mask) next.password = real.password;
  const realSegments = real.pathname.split('/');
  next.pathname = next.pathname
    .split('/')
    .map((segment, i) => (segment === mask ? (realSegments[i] ?? mask) : segment))
    .join('/');
  const realParts = queryParts(real);
  const byKey = new Map<string, string[]>();
  for (const { key, value } of realParts) if (value) byKey.set(key, [...(byKey.get(key) ?? []), value]);
  const bare = realParts.filter(({ value }) => !value).map(({ raw }) => raw);
  next.search = queryParts(next)
    .map(({ raw, key, value }) => {
      if (raw === mask) return bare.shift() ?? mask;
      if (value === mask) return `${key}=${byKey.get(key)?.shift() ?? mask}`;
      return raw;
    })
    .join('&');
  if (next.hash === `#${mask}`) next.hash = real.hash;
  const url = next.toString();
  return url.includes(mask) ? undefined : url;
}

/** The `&`-separated parts of a URL's query as written (nothing decoded or re-encoded). */
function queryParts(url: URL): { raw: string; key: string; value: string | undefined }[] {
  const query = url.search.slice(1);
  if (query === '') return [];
  return query
    .split('&')
    .filter((raw) => raw !== '')
    .map((raw) => {
      const at = raw.indexOf('=');
      return at === -1 ? { raw, key: raw, value: undefined } : { raw, key: raw.slice(0, at), value: raw.slice(at + 1) };
    });
}

function parseUrl(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}

function maskKnownCredentials(parsed: URL): void {
  if (parsed.username) parsed.username = mask;
  if (parsed.password) parsed.password = mask;
  const segments = parsed.pathname.split('/');
  for (let i = 0; i < segments.length - 2; i++) {
    if (credentialPaths.has(segments[i]!.toLowerCase())) {
      segments[i + 1] = mask;
      segments[i + 2] = mask;
      break;
    }
  }
  parsed.pathname = segments.join('/');
}

/** Best effort for strings that are not absolute URLs (a relative Location header, say). */
function redactText(text: string): string {
  return text
    .replace(/\/(live|timeshift|movie|series)\/[^/?#]*\/[^/?#]*/gi, `/$1/${mask}/${mask}`)
    .replace(/([?&](?:username|password|user|pass)=)[^&#]*/gi, `$1${mask}`)
    .replace(/\/\/[^/@\s]*@/g, `//${mask}@`);
}
