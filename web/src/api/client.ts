/**
 * The one way the UI talks to the server: JSON over fetch, same origin, the session cookie. A
 * failed call throws ApiError with the server's short message ({"error": "..."}), which the pages
 * show next to what caused it; a 401 tells the app to show the login screen.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

type Listener = () => void;
const unauthorizedListeners = new Set<Listener>();

/** Called when any request answers 401 (the session ended): the app shows the login screen. */
export function onUnauthorized(listener: Listener): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

export type Query = Record<string, string | number | boolean | undefined | null>;

/** `path` with the defined entries of `query` as its search string. */
export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const search = params.toString();
  return search ? `${path}?${search}` : path;
}

async function call<T>(method: string, path: string, body?: unknown, init?: RequestInit): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  let payload: BodyInit | undefined;
  if (body instanceof Blob || body instanceof ArrayBuffer) payload = body;
  else if (body !== undefined || method === 'POST' || method === 'PUT' || method === 'PATCH') {
    // A write always goes as JSON, `{}` when it has nothing to say (POST /test, /scan…): the
    // server's CSRF rule wants a JSON type on every cookie-authenticated write.
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body ?? {});
  }
  let response: Response;
  try {
    response = await fetch(path, { method, headers, body: payload, credentials: 'same-origin', ...init });
  } catch {
    throw new ApiError(0, 'The server cannot be reached. Is Tunerbridge running?');
  }
  if (response.status === 401 && !path.startsWith('/api/auth/'))
    for (const listener of unauthorizedListeners) listener();
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!response.ok) {
    const message =
      parsed && typeof parsed === 'object' && typeof (parsed as { error?: unknown }).error === 'string'
        ? (parsed as { error: string }).error
        : `The server answered ${response.status}`;
    throw new ApiError(response.status, readableMessage(message));
  }
  return parsed as T;
}

/** Server messages start lower-case and terse ("invalid request: ..."); shown as a sentence. */
export function readableMessage(message: string): string {
  const trimmed = message.replace(/^invalid request:\s*/i, '').trim();
  return trimmed ? trimmed[0]!.toUpperCase() + trimmed.slice(1) : 'Something went wrong';
}

export const api = {
  get: <T>(path: string, query?: Query) => call<T>('GET', withQuery(path, query)),
  post: <T>(path: string, body?: unknown, init?: RequestInit) => call<T>('POST', path, body, init),
  put: <T>(path: string, body?: unknown) => call<T>('PUT', path, body),
  patch: <T>(path: string, body?: unknown) => call<T>('PATCH', path, body),
  delete: <T>(path: string) => call<T>('DELETE', path),
};

/** A message for any thrown value (an ApiError's text, else a generic one). */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error && error.message) return error.message;
  return 'Something went wrong';
}
