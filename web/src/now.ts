/**
 * What is happening now, from what the gateway already sends: the training
 * log lines (a run started, its XGBoost rounds), the registry (recorded runs,
 * pending requests, promotions) and the backtest list. Pure, so the numbers
 * (round, estimate) are checked without a browser.
 */
import type { ModelRow, RequestRow, TrainingLine } from '../../domain/live/protocol.js';

export interface RunningRun {
  runId: string;
  version: number;
  /** epoch ms the run started (trainer's clock) */
  startedAt: number;
  /** The latest XGBoost round seen, and of how many; null before the first. */
  round: number | null;
  of: number | null;
  /** Estimated ms left, from the pace of the rounds so far; null before the first round. */
  leftMs: number | null;
}

export interface Now {
  training: RunningRun | null;
  /** Requests no run has taken yet. */
  waiting: number;
  /** The latest promotion in the registry (by time), or null. */
  lastPromotion: { version: number; at: number } | null;
  /** Backtests still running (requested and no outcome yet, or started on the training log and not ended there). */
  backtests: BacktestRun[];
}

export interface BacktestRun {
  id: string;
  /** epoch ms: the request, or its first line on the training log */
  since: number;
  /** The latest cut-off done, and of how many; null before the first. */
  cutoff: number | null;
  of: number | null;
  /** Estimated ms left, from the pace of the cut-offs so far; null before the first. */
  leftMs: number | null;
}

const BT_CUTOFF = /: cut-off (\d+)\/(\d+)/;
const BT_ENDED = /^backtest \S+ (finished|failed)/;

/** A backtest's progress from its training-log lines (runId = backtest id): the latest cut-off i/n and a linear estimate of the time left. */
export function backtestProgress(lines: readonly TrainingLine[], id: string, since: number): BacktestRun {
  const own = lines.filter((l) => l.runId === id);
  const first = own[0]?.at ?? since;
  const run: BacktestRun = { id, since: Math.min(first, since), cutoff: null, of: null, leftMs: null };
  for (let j = own.length - 1; j >= 0; j--) {
    const m = BT_CUTOFF.exec(own[j]!.text);
    if (!m) continue;
    run.cutoff = Number(m[1]);
    run.of = Number(m[2]);
    const spent = own[j]!.at - first;
    run.leftMs = run.cutoff > 0 && spent >= 0 ? Math.round((spent / run.cutoff) * (run.of - run.cutoff)) : null;
    break;
  }
  return run;
}

/** Backtests running now: those the gateway lists as requested, and those started on the training log that have not ended there. */
export function runningBacktests(lines: readonly TrainingLine[], listed: readonly { id: string; status: string; requestedAt: number }[]): BacktestRun[] {
  const status = new Map(listed.map((b) => [b.id, b.status]));
  const since = new Map(listed.filter((b) => b.status === 'requested').map((b) => [b.id, b.requestedAt]));
  const ended = new Set<string>();
  for (const l of lines) {
    if (!l.runId || !l.text.startsWith(`backtest ${l.runId}`)) continue;
    if (BT_ENDED.test(l.text)) ended.add(l.runId);
    else if (!since.has(l.runId) && status.get(l.runId) === undefined) since.set(l.runId, l.at);
  }
  return [...since].filter(([id]) => !ended.has(id)).map(([id, at]) => backtestProgress(lines, id, at));
}

const STARTED = /^run v(\d+) started/;
const ROUND = /^round (\d+)\/(\d+)/;

/**
 * The run in progress: the latest "started" line whose run is not in the
 * registry yet (a recorded run is over, whatever its outcome), with its
 * latest round and a linear estimate of the time left.
 */
export function runningRun(lines: readonly TrainingLine[], models: readonly ModelRow[]): RunningRun | null {
  const recorded = new Set(models.map((m) => m.runId));
  for (let i = lines.length - 1; i >= 0; i--) {
    const l = lines[i]!;
    const started = l.kind === 'started' && l.runId ? STARTED.exec(l.text) : null;
    if (!started || !l.runId) continue;
    if (recorded.has(l.runId) || lines.some((x, j) => j > i && x.runId === l.runId && x.kind === 'finished')) return null;
    const run: RunningRun = { runId: l.runId, version: Number(started[1]), startedAt: l.at, round: null, of: null, leftMs: null };
    for (let j = lines.length - 1; j > i; j--) {
      const p = lines[j]!.runId === l.runId && lines[j]!.kind === 'log' ? ROUND.exec(lines[j]!.text) : null;
      if (!p) continue;
      run.round = Number(p[1]);
      run.of = Number(p[2]);
      const spent = lines[j]!.at - l.at;
      run.leftMs = run.round > 0 && spent >= 0 ? Math.round((spent / run.round) * (run.of - run.round)) : null;
      break;
    }
    return run;
  }
  return null;
}

/** The strip's facts. */
export function nowOf(s: { training: readonly TrainingLine[]; models: readonly ModelRow[]; requests: readonly RequestRow[]; backtests: readonly { id: string; status: string; requestedAt: number }[] }): Now {
  let lastPromotion: Now['lastPromotion'] = null;
  for (const m of s.models) if (m.promotedAt !== null && (lastPromotion === null || m.promotedAt > lastPromotion.at)) lastPromotion = { version: m.version, at: m.promotedAt };
  return {
    training: runningRun(s.training, s.models),
    waiting: s.requests.filter((r) => r.runId === null).length,
    lastPromotion,
    backtests: runningBacktests(s.training, s.backtests),
  };
}

/** "45 s", "1 min 50 s", "2 h 5 min": a duration to wait, rounded to what a reader needs. */
export function left(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min${s % 60 ? ` ${s % 60} s` : ''}`;
  const m = Math.round(s / 60);
  return `${Math.floor(m / 60)} h${m % 60 ? ` ${m % 60} min` : ''}`;
}
