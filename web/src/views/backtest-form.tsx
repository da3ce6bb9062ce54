import { useEffect, useState } from 'preact/hooks';
import type { BacktestSummary } from '../../../domain/backtest/api.js';
import { say, write } from '../actions.js';
import { ApiError, api } from '../api.js';
import { live } from '../live.js';
import { useStore } from '../store.js';
import { paramsOf } from './train-form.js';
import { plural } from '../format.js';
import { backtestProgress, left } from '../now.js';
import { IsoDateInput } from '../date-input.js';
import { lastScorableCutoff } from '../../../domain/backtest/scorable.js';
import { cutoffsOf } from '../backtest-cutoffs.js';
import { usePoll } from '../poll.js';

const POLL_MS = 2000;

/** Optional whole number of a form field; the error names the field. */
function intOf(name: string, v: string): number | undefined {
  const t = v.trim();
  if (t === '') return undefined;
  if (!/^\d+$/.test(t)) throw new Error(`${name}: expected a whole number, got "${t}"`);
  return Number(t);
}

type Fields = { cutoffs: string; lastCutoff: string; horizon: string; refitEvery: string; rounds: string; reason: string };

/** The request body of POST /v1/backtests from the form's fields; throws naming the field that is not valid. */
function backtestBody(f: Fields, latestWeek: string | null): Record<string, unknown> {
  const params = paramsOf({ rounds: f.rounds });
  const horizon = intOf('horizon', f.horizon);
  const cutoffs = cutoffsOf(intOf('cutoffs', f.cutoffs), f.lastCutoff, horizon ?? 4, horizon === undefined ? null : latestWeek);
  return { ...cutoffs, horizon, refitEvery: intOf('refitEvery', f.refitEvery), ...(f.reason.trim() ? { reason: f.reason.trim() } : {}), ...(params.rounds ? { params } : {}) };
}

/** Starts a walk-forward backtest (cut-offs, horizon, refit cadence, XGBoost rounds) and follows it to its outcome. */
export function BacktestForm({ onDone }: { onDone: (id: string) => void }) {
  const s = useStore(live);
  const latestWeek = s.totals?.latestWeek ?? null;
  const [f, setF] = useState<Fields>({ cutoffs: '4', lastCutoff: '', horizon: '4', refitEvery: '2', rounds: '', reason: '' });
  const [err, setErr] = useState<string | null>(null);
  const [started, setStarted] = useState<string | null>(null);
  const set = (k: keyof Fields) => (e: Event) => setF((o) => ({ ...o, [k]: (e.target as HTMLInputElement).value }));
  const submit = async (e: Event) => {
    e.preventDefault();
    setErr(null);
    let body: Record<string, unknown>;
    try {
      body = backtestBody(f, latestWeek);
    } catch (x) {
      setErr((x as Error).message);
      return;
    }
    const r = await write<{ backtestId: string }>('/v1/backtests', JSON.parse(JSON.stringify(body)), (x) => setErr(x.message));
    if (r) {
      setStarted(r.backtestId);
      say(`Backtest ${r.backtestId} queued for the trainer`);
    }
  };
  const field = (k: keyof Fields, label: string, width = 80) => (
    <label>
      {label}
      <input data-testid={`bt-${k}`} style={`width:${width}px`} value={f[k]} onInput={set(k)} />
    </label>
  );
  return (
    <form class="panel" data-testid="backtest-form" onSubmit={(e) => void submit(e)}>
      <h3>Start a backtest</h3>
      <div class="row">
        {field('cutoffs', 'cut-offs (N weeks)')}
        <label>
          last cut-off
          <IsoDateInput testId="bt-lastCutoff" value={f.lastCutoff} onValue={(v) => setF((o) => ({ ...o, lastCutoff: v }))} label="last cut-off" />
        </label>
        {field('horizon', 'horizon (weeks)')}
        {field('refitEvery', 'refit every')}
        {field('rounds', 'XGBoost rounds')}
        {field('reason', 'reason', 220)}
        <button type="submit" data-testid="bt-submit">
          Start
        </button>
      </div>
      <ScorableNote latestWeek={latestWeek} horizon={f.horizon} />
      {err ? (
        <div class="banner bad" role="alert" data-testid="bt-error" style="margin-top:8px">
          {err}
        </div>
      ) : null}
      {started ? <BacktestProgress id={started} onDone={onDone} /> : null}
    </form>
  );
}

/** Which cut-offs can be scored with the horizon typed, given where the data ends. */
function ScorableNote({ latestWeek, horizon }: { latestWeek: string | null; horizon: string }) {
  const horizonNow = /^\d+$/.test(horizon.trim()) ? Number(horizon) : null;
  const lastScorable = latestWeek && horizonNow ? lastScorableCutoff(latestWeek, horizonNow) : null;
  return (
    <p class="muted" data-testid="bt-scorable">
      {lastScorable
        ? `Cut-offs up to ${lastScorable} can be scored on ${plural(horizonNow!, 'week')} after them (the data ends ${latestWeek}); an empty last cut-off takes ${lastScorable}.`
        : 'No data yet: the cut-offs are the last N weeks the trainer finds.'}
    </p>
  );
}

/** Polls the backtest until it has an outcome; shows its latest progress line from the training log meanwhile. */
function BacktestProgress({ id, onDone }: { id: string; onDone: (id: string) => void }) {
  const s = useStore(live);
  const [b, setB] = useState<BacktestSummary | null>(null);
  const finished = b?.status === 'finished' || b?.status === 'failed';
  useEffect(() => {
    if (finished) onDone(id);
  }, [id, finished]);
  // the first look is after POLL_MS: the request was only just sent
  usePoll(
    () =>
      api<BacktestSummary>('GET', `/v1/backtests/${id}`).then(setB, (e: unknown) => {
        if (!(e instanceof ApiError && e.status === 404)) setB(null);
      }),
    POLL_MS,
    [id],
    { enabled: !finished, immediate: false },
  );
  const last = s.training.filter((l) => l.runId === id).at(-1);
  const p = backtestProgress(s.training, id, Date.now());
  return (
    <div class="banner info" data-testid="bt-progress" aria-live="polite" style="margin-top:8px">
      {id}:{' '}
      {finished ? (
        <span data-testid="bt-outcome">{b!.status === 'finished' ? `finished: ${plural(b!.cutoffs.count, 'cut-off')}, ${plural(b!.points, 'point')}` : `failed: ${b!.failure ?? ''}`}</span>
      ) : p.cutoff !== null ? (
        <span class="bt-bar">
          <progress data-testid="bt-progress-bar" max={p.of!} value={p.cutoff} aria-label={`cut-offs done of ${p.of}`} />
          <span data-testid="bt-progress-text">
            cut-off {p.cutoff}/{p.of} ({Math.round((100 * p.cutoff) / p.of!)}%){p.leftMs !== null ? `, ~${left(p.leftMs)} left` : ''}
          </span>
        </span>
      ) : (
        `${b ? 'requested, the trainer runs one backtest at a time' : 'sent'}${last ? ` (${last.text})` : ''}`
      )}
    </div>
  );
}
