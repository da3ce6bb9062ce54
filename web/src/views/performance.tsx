import type uPlot from 'uplot';
import { Chart, COLORS } from '../chart.js';
import { fmt, isoToSec, pct, wapeOf } from '../format.js';
import { live, type LiveState } from '../live.js';
import type { ModelRow } from '../../../domain/live/protocol.js';
import { DataTable, type Column } from '../table.js';
import { ForecastPanel } from './forecast-panel.js';
import { useStore } from '../store.js';
import { decayColumns } from '../decay-columns.js';
import type { DecayPoint } from '../../../domain/live/protocol.js';


/** Holdout WAPE per version: the model against the baselines and the champion it was compared with. */
const HOLDOUT_COLUMNS: Column<ModelRow>[] = [
  { header: 'version', csv: (m) => m.version, cell: (m) => `v${m.version}` },
  { header: 'stage', csv: (m) => m.stage, cell: (m) => <span class={`stage ${m.stage}`}>{m.stage}</span> },
  ...(
    [
      ['model', 'model'],
      ['seasonalNaive', 'seasonal naive'],
      ['lastValue', 'last value'],
      ['champion', 'champion then'],
    ] as const
  ).map(([key, header]): Column<ModelRow> => ({ header, num: true, csv: (m) => wapeOf(m.metrics, key), cell: (m) => pct(wapeOf(m.metrics, key)) })),
];

type Overall = LiveState['accuracy']['overall'][number];
const LIVE_COLUMNS: Column<Overall>[] = [
  { header: 'version', csv: (o) => o.version, cell: (o) => `v${o.version}` },
  { header: 'WAPE so far', num: true, csv: (o) => o.wape, cell: (o) => pct(o.wape) },
  { header: 'points', num: true, csv: (o) => o.n, cell: (o) => fmt(o.n) },
];

const pctText = (v: number) => `${(v * 100).toFixed(1)}%`;
const pctAxis = (): uPlot.Axis => ({ label: 'WAPE', size: 60, values: (_u, vals) => vals.map((v) => `${(v * 100).toFixed(1)}%`) });

/** Holdout metrics per version against the baselines, live accuracy as actuals arrive, actual vs predicted. */
export function PerformanceView() {
  const s = useStore(live);
  const models = [...s.models.models].filter((m) => wapeOf(m.metrics, 'model') !== null).sort((a, b) => a.version - b.version);
  const holdout: uPlot.AlignedData = [
    models.map((m) => m.version),
    models.map((m) => wapeOf(m.metrics, 'model')),
    models.map((m) => wapeOf(m.metrics, 'seasonalNaive')),
    models.map((m) => wapeOf(m.metrics, 'lastValue')),
  ];
  const a = s.accuracy;
  const accData = [a.weeks.map(isoToSec), ...a.wape] as uPlot.AlignedData;
  const accSeries: uPlot.Series[] = a.versions.map((v, i) => ({ label: `v${v}`, stroke: COLORS[i % COLORS.length], width: 2, spanGaps: false, points: { show: true } }));

  return (
    <div class="grid">
      <div class="grid cols-2">
        <div class="panel">
          <h3>Holdout WAPE by version (lower is better)</h3>
          {models.length === 0 ? <p class="muted">No trained model yet.</p> : null}
          <Chart
            testId="chart-holdout"
            x="version"
            version={models.length}
            data={holdout}
            series={[
              { label: 'model', stroke: COLORS[0], width: 2, points: { show: true } },
              { label: 'seasonal naive', stroke: COLORS[2], width: 1.5, dash: [6, 4], points: { show: true } },
              { label: 'last value', stroke: COLORS[3], width: 1.5, dash: [2, 4], points: { show: true } },
            ]}
            axes={[pctAxis()]}
            yText={pctText}
            zero
          />
          <DataTable columns={HOLDOUT_COLUMNS} rows={[...models].reverse()} testId="holdout-table" csvName="holdout-wape" rowKey={(m) => String(m.version)} />
        </div>
        <div class="panel">
          <h3>Live accuracy as actuals arrive (WAPE per week, per version)</h3>
          {a.weeks.length === 0 ? <p class="muted">Forecasts of the next week are compared with its actuals when that week arrives: inject a week to see the first point.</p> : null}
          <Chart testId="chart-live-accuracy" x="date" version={a.weeks.length * 100 + a.versions.length} data={accData} series={accSeries} axes={[pctAxis()]}
            yText={pctText} zero />
          <DataTable columns={LIVE_COLUMNS} rows={a.overall} testId="live-accuracy" csvName="live-accuracy" rowKey={(o) => String(o.version)} />
        </div>
      </div>
      <ForecastPanel latest={s.totals?.latestWeek} serving={s.model?.serving} />
      <DecayPanel points={s.decay} />
    </div>
  );
}

/**
 * The decay trigger's view of the champion: its live WMAE over the trailing
 * window at each new week, the threshold from which it asks for a
 * retraining (dashed), and a red dashed vertical line at each window that did.
 */
function DecayPanel({ points }: { points: DecayPoint[] }) {
  const c = decayColumns(points);
  const fired = points.filter((p) => p.decayed);
  const series: uPlot.Series[] = [
    ...c.versions.map((v, i) => ({ label: `v${v} live WMAE`, stroke: COLORS[i % COLORS.length], width: 2, spanGaps: false, points: { show: true } })),
    { label: 'decay threshold', stroke: 'var(--red)', width: 1.5, dash: [6, 4] },
  ];
  return (
    <div class="panel">
      <h3>Accuracy decay: the champion's live WMAE over the trailing window against the threshold (dashed red lines: retraining asked for)</h3>
      {points.length === 0 ? <p class="muted">The decay trigger measures the champion's live WMAE once it has a full window of scored weeks.</p> : null}
      <Chart testId="chart-decay" x="date" version={points.length * 1000 + fired.length} data={c.data} series={series} markers={c.markers}
        axes={[{ label: 'WMAE', size: 70 }]} yText={(v) => fmt(Math.round(v))} zero />
      <ul class="decay-requests" data-testid="decay-requests">
        {fired.map((p) => (
          <li key={`${p.version}-${p.to}`}>
            retraining asked for: v{p.version} live WMAE {fmt(Math.round(p.wmae))} over {p.from}..{p.to}, threshold {fmt(Math.round(p.threshold))}
          </li>
        ))}
      </ul>
    </div>
  );
}
