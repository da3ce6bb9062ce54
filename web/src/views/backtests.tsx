import { useEffect, useState } from 'preact/hooks';
import type uPlot from 'uplot';
import type { BacktestDetail, BacktestSummary } from '../../../domain/backtest/api.js';
import { api } from '../api.js';
import { Chart, COLORS } from '../chart.js';
import { dateTime, dur, fmt, pct, plural } from '../format.js';
import { DataTable, type Column } from '../table.js';
import { BacktestForm } from './backtest-form.js';
import { live } from '../live.js';
import { backtestProgress, left } from '../now.js';
import { useStore } from '../store.js';
import { usePoll } from '../poll.js';

/** Methods as the backtest names them, with their label and colour (the model first, then the baselines). */
const METHODS: { key: keyof BacktestSummary['wape']; label: string; color: string; dash?: number[] }[] = [
  { key: 'model', label: 'model', color: COLORS[0]! },
  { key: 'seasonalNaive', label: 'seasonal naive', color: COLORS[2]!, dash: [6, 4] },
  { key: 'lastValue', label: 'last value', color: COLORS[3]!, dash: [2, 4] },
  { key: 'mean4', label: '4-week mean', color: COLORS[4]!, dash: [8, 3, 2, 3] },
];
// backtests take minutes and are started from the CLI, so a slow poll is enough
const REFRESH_MS = 15_000;

const pctText = (v: number) => `${(v * 100).toFixed(1)}%`;
const pctAxis = (): uPlot.Axis => ({ label: 'WAPE', size: 60, values: (_u, vals) => vals.map((v) => `${(v * 100).toFixed(1)}%`) });
const cutoffRange = (b: BacktestSummary) => (b.cutoffs.count === 0 ? '–' : b.cutoffs.first === b.cutoffs.last ? b.cutoffs.first : `${b.cutoffs.first} … ${b.cutoffs.last}`);

/** Past walk-forward backtests (trainer/backtest) with the model against the baselines; one of them charted by horizon. */
export function BacktestsView() {
  const [list, setList] = useState<BacktestSummary[] | null>(null);
  const [err, setErr] = useState<string | null>(null);
  const [picked, setPicked] = useState<string | null>(null);
  const [detail, setDetail] = useState<BacktestDetail | null>(null);
  const [loads, setLoads] = useState(0);

  const refresh = () =>
    api<{ backtests: BacktestSummary[] }>('GET', '/v1/backtests?limit=100').then(
      (r) => {
        setList(r.backtests);
        setErr(null);
      },
      (e: Error) => setErr(e.message),
    );
  usePoll(refresh, REFRESH_MS);

  // the newest finished one is shown until the reader picks another
  const shown = picked ?? list?.find((b) => b.status === 'finished')?.id ?? null;
  const listed = list?.find((b) => b.id === shown);
  useEffect(() => {
    if (!shown) return;
    api<BacktestDetail>('GET', `/v1/backtests/${shown}`).then(
      (d) => {
        setDetail(d);
        setLoads((n) => n + 1);
      },
      (e: Error) => setErr(e.message),
    );
  }, [shown, listed?.status, listed?.reportUrl]);

  return (
    <div class="grid">
      <BacktestForm
        onDone={(id) => {
          void refresh();
          setPicked(id);
        }}
      />
      <div class="panel">
        <div class="row" style="justify-content:space-between">
          <h3>Walk-forward backtests</h3>
          <button class="secondary" data-testid="backtests-refresh" onClick={() => void refresh()}>
            Refresh
          </button>
        </div>
        {err ? <div class="banner bad">{err}</div> : null}
        <BacktestsTable rows={list ?? []} selected={shown} onPick={setPicked} />
        {list && list.length === 0 ? (
          <p class="muted">
            No backtest yet: start one above, or run <code>npm run backtest</code> (for example <code>npm run backtest -- --cutoffs 8 --horizon 4</code>).
          </p>
        ) : (
          <p class="muted">Baseline WAPEs are green where the model beats them, on the same points. Click a row (or Tab to it and press Enter) to chart it.</p>
        )}
      </div>
      {detail && detail.id === shown ? <Detail d={detail} loads={loads} /> : null}
    </div>
  );
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/**
 * A backtest's status; while it runs ("requested" with no outcome yet), its
 * cut-off i/n and percentage from the training log, the numbers the form's
 * banner shows too.
 */
function StatusCell({ b }: { b: BacktestSummary }) {
  const s = useStore(live);
  if (b.status !== 'requested') {
    return (
      <span class={`stage ${b.status === 'finished' ? 'champion' : b.status}`} title={b.failure ?? ''}>
        {b.status}
      </span>
    );
  }
  const p = backtestProgress(s.training, b.id, b.requestedAt);
  return (
    <span class="stage running" data-testid={`backtest-status-${b.id}`}>
      running{p.cutoff !== null ? `: cut-off ${p.cutoff}/${p.of} (${Math.round((100 * p.cutoff) / p.of!)}%)` : ''}
      {p.leftMs !== null ? `, ~${left(p.leftMs)} left` : ''}
    </span>
  );
}

/** The backtests table as columns (what it shows and what its CSV holds). */
const COLUMNS: Column<BacktestSummary>[] = [
  { header: 'backtest', csv: (b) => b.id, nowrap: true },
  {
    header: 'status',
    csv: (b) => b.status,
    cell: (b) => <StatusCell b={b} />,
    nowrap: true,
  },
  { header: 'requested', csv: (b) => iso(b.requestedAt), cell: (b) => dateTime(b.requestedAt), nowrap: true },
  { header: 'cut-offs', csv: (b) => cutoffRange(b), cell: (b) => `${b.cutoffs.count > 0 ? `${b.cutoffs.count}: ` : ''}${cutoffRange(b)}`, cls: () => 'nowrap' },
  { header: 'horizon', num: true, csv: (b) => b.horizon },
  { header: 'refit every', num: true, csv: (b) => b.refitEvery },
  { header: 'points', num: true, csv: (b) => b.points, cell: (b) => fmt(b.points) },
  ...METHODS.map(
    (m): Column<BacktestSummary> => ({
      header: m.key === 'model' ? 'WAPE model' : m.label,
      num: true,
      csv: (b) => b.wape[m.key],
      cell: (b) => pct(b.wape[m.key]),
      cls: (b) => {
        const w = b.wape[m.key];
        const model = b.wape.model;
        return m.key === 'model' || w === null || model === null ? '' : model < w ? 'better' : 'worse';
      },
    }),
  ),
  {
    header: 'report',
    csv: (b) => b.reportUrl,
    cell: (b) =>
      b.reportUrl ? (
        <a href={b.reportUrl} target="_blank" rel="noopener" data-testid={`backtest-report-${b.id}`} onClick={(e) => e.stopPropagation()} onKeyDown={(e) => e.stopPropagation()}>
          report
        </a>
      ) : (
        <span class="muted">–</span>
      ),
  },
];

function BacktestsTable({ rows, selected, onPick }: { rows: BacktestSummary[]; selected: string | null; onPick: (id: string) => void }) {
  return <DataTable columns={COLUMNS} rows={rows} testId="backtests-table" csvName="backtests" rowKey={(b) => b.id} rowTestId="backtest-row" selected={selected} onActivate={(b) => onPick(b.id)} />;
}

function Detail({ d, loads }: { d: BacktestDetail; loads: number }) {
  const methods = METHODS.filter((m) => d.byHorizon.wape[m.key] !== undefined);
  const data = [d.byHorizon.horizon, ...methods.map((m) => d.byHorizon.wape[m.key]!)] as uPlot.AlignedData;
  return (
    <div class="panel" data-testid="backtest-detail">
      <div class="row" style="justify-content:space-between">
        <h3>
          {d.id}: WAPE by horizon (lower is better)
        </h3>
        {d.reportUrl ? (
          <a href={d.reportUrl} target="_blank" rel="noopener" data-testid="backtest-report-link">
            Open the full report
          </a>
        ) : (
          <span class="muted">no copy of its report on this gateway</span>
        )}
      </div>
      {d.failure ? <div class="banner bad">{d.failure}</div> : null}
      <Chart
        testId="chart-backtest-horizon"
        x="horizon"
        version={loads}
        data={data}
        series={methods.map((m) => ({ label: m.label, stroke: m.color, width: m.key === 'model' ? 2 : 1.5, dash: m.dash, points: { show: true } }))}
        axes={[pctAxis()]}
            yText={pctText}
        zero
      />
      <p class="muted">
        {d.reason} · {plural(d.cutoffs.count, 'cut-off')}, h = 1..{d.horizon}, refit every {d.refitEvery} ({plural(d.refits, 'fit')}) · {fmt(d.points)} points · took {dur(d.durationMs)}
      </p>
      {d.notes.length > 0 ? (
        <details>
          <summary>What could not be evaluated ({d.notes.length})</summary>
          <ul>
            {d.notes.map((n) => (
              <li>{n}</li>
            ))}
          </ul>
        </details>
      ) : null}
    </div>
  );
}
