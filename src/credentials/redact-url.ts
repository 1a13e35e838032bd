/*
 * Upstream Xtream URLs carry the password: `/live/{user}/{pass}/{id}.ts` (also timeshift,
 * movie and series paths), `player_api.php?username=&password=`, and sometimes userinfo.
 * Anything that logs or records a URL passes it through here first.
 */
const credentialPaths = new Set(['live', 'timeshift', 'movie', 'series']);
const credentialParams = ['username', 'password', 'user', 'pass'];
const mask = '***';

/** Replaces the user and password segments, credential query params and userinfo of a URL with `***`. */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return redactText(url);
  }
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
  for (const name of credentialParams) if (parsed.searchParams.has(name)) parsed.searchParams.set(name, mask);
  return parsed.toString();
}

/** Best effort for strings that are not absolute URLs (a relative Location header, say). */
function redactText(text: string): string {
  return text
    .replace(/\/(live|timeshift|movie|series)\/[^/?#]*\/[^/?#]*/gi, `/$1/${mask}/${mask}`)
    .replace(/([?&](?:username|password|user|pass)=)[^&#]*/gi, `$1${mask}`)
    .replace(/\/\/[^/@\s]*@/g, `//${mask}@`);
}
