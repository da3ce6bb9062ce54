/** REST calls from the dashboard. Errors come back as the gateway words them (field and expectation), never a stack. */
import { Store } from './store.js';

const TOKEN_KEY = 'forecast.token';

/**
 * A token handed over in the URL's fragment (`/#token=...`, as the gateway
 * prints it when it drew a random one): kept for the session, and taken out
 * of the address bar and history at once so it is not bookmarked or shared.
 * A fragment never reaches the server, so it is in no access log either.
 */
function tokenFromFragment(): string | null {
  const m = /^#token=([^&]+)$/.exec(location.hash);
  if (!m) return null;
  const t = decodeURIComponent(m[1]!);
  sessionStorage.setItem(TOKEN_KEY, t);
  history.replaceState(null, '', location.pathname + location.search);
  return t;
}

/** The write token, kept for the browser session only (sessionStorage, never localStorage). */
export const token = new Store<string | null>(tokenFromFragment() ?? sessionStorage.getItem(TOKEN_KEY));

export function setToken(t: string | null): void {
  if (t) sessionStorage.setItem(TOKEN_KEY, t);
  else sessionStorage.removeItem(TOKEN_KEY);
  token.set(t);
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/**
 * Calls the gateway with the bearer token on every call once one is set, so a
 * gateway whose reads are closed (GATEWAY_OPEN_READS=false) answers the
 * dashboard's reads and predictions too. Throws ApiError with the gateway's message.
 */
export async function api<T>(method: 'GET' | 'POST', path: string, body?: unknown, _opts: { write?: boolean } = {}): Promise<T> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  const t = token.get();
  if (t) headers.authorization = `Bearer ${t}`;
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    /* not JSON */
  }
  if (!res.ok) {
    const err = (json as { error?: { message?: string; field?: string } } | null)?.error;
    throw new ApiError(res.status, err?.message ?? `HTTP ${res.status}`, err?.field);
  }
  return json as T;
}
