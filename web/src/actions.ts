/**
 * The write actions (inject next week, train, promote, roll back) with the
 * token prompt: a write without a token, or with a refused one, asks for the
 * token and retries once.
 */
import { ApiError, api, setToken, token } from './api.js';
import { Store } from './store.js';

export const toast = new Store<{ text: string; bad: boolean; at: number } | null>(null);
/**
 * A pending token request: the dialog resolves it with the token, or null
 * when cancelled, and gives the focus back to `opener`, the control focused
 * when it was asked for (read then: by the time the dialog renders, the
 * opener may be disabled and Chromium may have moved the focus to the body).
 */
export const tokenRequest = new Store<{ resolve: (t: string | null) => void; opener: HTMLElement | null } | null>(null);

export function say(text: string, bad = false): void {
  const at = Date.now();
  toast.set({ text, bad, at });
  setTimeout(() => {
    if (toast.get()?.at === at) toast.set(null);
  }, 6000);
}

/** Opens the token dialog; resolves with what was entered, or null when cancelled. */
export function askToken(): Promise<string | null> {
  const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  return new Promise((resolve) => tokenRequest.set({ resolve, opener }));
}

/** Runs a write; prompts for the token when the gateway asks for one. A refusal goes to `onError` when given, else to the toast. */
export async function write<T>(path: string, body?: unknown, onError?: (err: Error) => void): Promise<T | null> {
  for (let attempt = 0; attempt < 2; attempt++) {
    if (!token.get()) {
      const t = await askToken();
      if (!t) return null;
      setToken(t);
    }
    try {
      return await api<T>('POST', path, body ?? {}, { write: true });
    } catch (err) {
      if (err instanceof ApiError && (err.status === 401 || err.status === 403) && attempt === 0) {
        setToken(null);
        say(err.status === 403 ? 'That token was refused; enter the gateway token.' : 'This action needs the gateway token.', true);
        continue;
      }
      const e = err instanceof Error ? err : new Error(String(err));
      if (onError) onError(e);
      else say(e.message, true);
      return null;
    }
  }
  return null;
}

export async function injectNextWeek(): Promise<void> {
  const r = await write<{ week: string; events: number }>('/v1/ops/next-week');
  if (r) say(`Injected week ${r.week}: ${r.events} events`);
}

export async function trainNow(): Promise<void> {
  const r = await write<{ requestId: string }>('/v1/ops/train', { reason: 'Train now (dashboard)' });
  if (r) say(`Training requested (${r.requestId.slice(0, 8)})`);
}

export async function promote(version: number): Promise<void> {
  const r = await write<{ version: number }>(`/v1/models/${version}/promote`, { reason: `promoted from the dashboard` });
  if (r) say(`Promotion of v${r.version} appended to the log`);
}

export async function rollback(version?: number): Promise<void> {
  const r = await write<{ version: number }>('/v1/ops/rollback', version === undefined ? { reason: 'rolled back from the dashboard' } : { version, reason: 'rolled back from the dashboard' });
  if (r) say(`Rollback to v${r.version} appended to the log`);
}
