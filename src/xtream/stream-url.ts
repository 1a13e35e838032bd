/**
 * The base of a provider: scheme, host, port and any path prefix, without a trailing slash
 * (users paste `http://host:8080/`, `https://host/xc`, sometimes `…/player_api.php`).
 */
export function providerBase(serverUrl: string): string {
  const url = new URL(serverUrl.trim());
  const path = url.pathname.replace(/\/+$/, '').replace(/\/(player_api|get|xmltv)\.php$/i, '');
  return `${url.protocol}//${url.host}${path}`;
}

/**
 * The upstream URL of a live stream: `{server}/live/{user}/{pass}/{id}.ts`, user and password
 * percent-encoded (passwords hold `@ / : ? # &`). It contains the password: log only `redactUrl(url)`.
 */
export function buildStreamUrl(serverUrl: string, username: string, password: string, streamId: number): string {
  return `${providerBase(serverUrl)}/live/${encodeURIComponent(username)}/${encodeURIComponent(password)}/${streamId}.ts`;
}

/** `player_api.php` URL for an action ('' = authenticate); contains the password. */
export function buildApiUrl(
  serverUrl: string,
  username: string,
  password: string,
  params: Record<string, string> = {},
): string {
  const query = new URLSearchParams({ username, password, ...params });
  return `${providerBase(serverUrl)}/player_api.php?${query.toString()}`;
}

/** The provider's own XMLTV guide: `{server}/xmltv.php?username=&password=`; contains the password. */
export function buildGuideUrl(serverUrl: string, username: string, password: string): string {
  return `${providerBase(serverUrl)}/xmltv.php?${new URLSearchParams({ username, password }).toString()}`;
}
