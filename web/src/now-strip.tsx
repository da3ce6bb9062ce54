import { useState } from 'preact/hooks';
import type { BacktestSummary } from '../../domain/backtest/api.js';
import { api } from './api.js';
import { dateTime, time } from './format.js';
import { live } from './live.js';
import { left, nowOf } from './now.js';
import { useStore } from './store.js';
import { usePoll } from './poll.js';

// backtests are not on the live socket: a slow poll of the newest few is enough to say one runs
const BACKTEST_POLL_MS = 10_000;

/** The backtests the gateway lists (newest first), polled while the dashboard is open. */
function useBacktests(enabled: boolean): Pick<BacktestSummary, 'id' | 'status' | 'requestedAt'>[] {
  const [list, setList] = useState<Pick<BacktestSummary, 'id' | 'status' | 'requestedAt'>[]>([]);
  usePoll(() => api<{ backtests: BacktestSummary[] }>('GET', '/v1/backtests?limit=20').then((r) => setList(r.backtests)), BACKTEST_POLL_MS, [], { enabled });
  return list;
}

/** What is happening now, on every page: the run training (version, round, time left), running backtests, the last promotion. */
export function NowStrip() {
  const s = useStore(live);
  const backtests = useBacktests(s.connected);
  const n = nowOf({ training: s.training, models: s.models.models, requests: s.models.requests, backtests });
  const t = n.training;
  return (
    <section class="facts now" aria-label="now" data-testid="now">
      <span data-testid="now-training">
        <span class={`dot ${t ? 'wait' : ''}`} aria-hidden="true" />
        {t ? (
          <>
            training <b>v{t.version}</b>
            {t.round !== null ? ` · round ${t.round}/${t.of}` : ' · starting'}
            {t.leftMs !== null ? ` · ~${left(t.leftMs)} left` : ''}
          </>
        ) : (
          'no run training'
        )}
        {n.waiting > 0 ? ` · ${n.waiting} waiting` : ''}
      </span>
      {n.backtests.map((b) => (
        <a href="#/backtests" data-testid="now-backtest" title={b.id}>
          backtest {b.cutoff !== null ? `cut-off ${b.cutoff}/${b.of}` : `running since ${time(b.since)}`}
          {b.leftMs !== null ? ` · ~${left(b.leftMs)} left` : ''}
        </a>
      ))}
      <span data-testid="now-promotion">
        last promotion {n.lastPromotion ? <b>v{n.lastPromotion.version}</b> : 'none'}
        {n.lastPromotion ? ` · ${dateTime(n.lastPromotion.at)}` : ''}
      </span>
    </section>
  );
}
