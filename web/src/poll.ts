/**
 * The one polling loop of the dashboard: a view that refreshes from the
 * gateway every few seconds (schedule, backtests, a running backtest, the
 * now strip) calls usePoll. A tick is skipped while the previous load is
 * still in flight, so a slow gateway never gets a pile of identical requests.
 */
import { useEffect } from 'preact/hooks';

export interface Timers {
  setInterval(f: () => void, ms: number): unknown;
  clearInterval(t: unknown): void;
}

const realTimers: Timers = {
  setInterval: (f, ms) => setInterval(f, ms),
  clearInterval: (t) => clearInterval(t as ReturnType<typeof setInterval>),
};

/**
 * Calls `load` every `everyMs` (and once at once unless `immediate` is
 * false), skipping a tick while the last call's promise is pending; returns
 * the stop function.
 */
export function startPolling(load: () => unknown, everyMs: number, immediate = true, timers: Timers = realTimers): () => void {
  let inFlight = false;
  let stopped = false;
  const tick = () => {
    if (inFlight || stopped) return;
    inFlight = true;
    Promise.resolve()
      .then(load)
      .catch(() => undefined) // the view shows its own error; polling goes on
      .finally(() => {
        inFlight = false;
      });
  };
  if (immediate) tick();
  const t = timers.setInterval(tick, everyMs);
  return () => {
    stopped = true;
    timers.clearInterval(t);
  };
}

/** Polls `load` every `everyMs` while mounted and `enabled` (default true); a change in `deps` or `enabled` restarts it. */
export function usePoll(load: () => unknown, everyMs: number, deps: readonly unknown[] = [], opts: { enabled?: boolean; immediate?: boolean } = {}): void {
  const enabled = opts.enabled ?? true;
  useEffect(() => (enabled ? startPolling(load, everyMs, opts.immediate ?? true) : undefined), [enabled, everyMs, ...deps]);
}
