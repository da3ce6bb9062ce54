import { useEffect, useState } from 'preact/hooks';
import type uPlot from 'uplot';
import type { ModelRow } from '../../../domain/live/protocol.js';
import { Chart, COLORS } from '../chart.js';
import { dur, fmt, pct } from '../format.js';
import { fetchCompare, type CompareColumns } from '../model-actions.js';
import { curveChart, importanceRows } from '../model-columns.js';

const color = (versions: readonly number[], v: number) => COLORS[Math.max(0, versions.indexOf(v)) % COLORS.length]!;

/** N versions on one chart (their curves), one bar group per feature, and their numbers side by side. */
export function ComparePanel({ rows }: { rows: ModelRow[] }) {
  const versions = rows.map((r) => r.version);
  const key = versions.join(',');
  const [cols, setCols] = useState<CompareColumns | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    setError(null);
    fetchCompare(versions)
      .then((c) => live && setCols(c))
      .catch((err: unknown) => live && setError(err instanceof Error ? err.message : String(err)));
    return () => {
      live = false;
    };
    // refetch when the selection changes, or when a selected run is recorded
  }, [key, rows.map((r) => r.decision).join()]);
  return (
    <div class="panel" data-testid="compare">
      <h3>{versions.map((v) => `v${v}`).join(' vs ')}</h3>
      {error ? <div class="banner bad">{error}</div> : null}
      {cols ? <Curves cols={cols} /> : <p class="muted">Loading curves…</p>}
      {cols ? <Importance cols={cols} /> : null}
      <CompareTable rows={rows} cols={cols} />
    </div>
  );
}

function Curves({ cols }: { cols: CompareColumns }) {
  const [splits, setSplits] = useState<('train' | 'valid')[]>(['valid', 'train']);
  const { data, lines } = curveChart(cols, splits);
  const series: uPlot.Series[] = lines.map((l) => ({
    label: l.label,
    stroke: color(cols.versions, l.version),
    width: l.split === 'valid' ? 2 : 1.25,
    ...(l.split === 'train' ? { dash: [5, 4] } : {}),
    spanGaps: true,
    points: { show: false },
  }));
  const toggle = (s: 'train' | 'valid') => setSplits((p) => (p.includes(s) ? p.filter((x) => x !== s) : [...p, s]));
  const withCurves = cols.runs.filter((r) => r.bestRound !== null);
  return (
    <div>
      <div class="row" style="justify-content:space-between;align-items:center">
        <h4 style="margin:6px 0">Training curves ({cols.metric || 'no curves'} per boosting round; train dashed)</h4>
        <div class="row">
          {(['valid', 'train'] as const).map((s) => (
            <label style="display:flex;gap:4px;align-items:center">
              <input type="checkbox" checked={splits.includes(s)} onChange={() => toggle(s)} data-testid={`curves-${s}`} /> {s}
            </label>
          ))}
        </div>
      </div>
      {withCurves.length === 0 ? (
        <p class="muted" data-testid="no-curves">None of these runs recorded curves (runs before curves were recorded, or failed runs).</p>
      ) : (
        <Chart data={data as uPlot.AlignedData} series={series} version={data.length} x="round" yLabel={cols.metric} testId="chart-curves" height={240} />
      )}
      <p class="muted" data-testid="curve-runs">
        {cols.runs.map((r) => (r.bestRound === null ? `v${r.version}: no curves` : `v${r.version}: best round ${r.bestRound} of ${r.totalRounds}`)).join(' · ')}
      </p>
    </div>
  );
}

function Importance({ cols }: { cols: CompareColumns }) {
  const rows = importanceRows(cols);
  if (rows.length === 0) return <p class="muted">No feature importance recorded for these runs.</p>;
  return (
    <div data-testid="importance">
      <h4 style="margin:10px 0 6px">Feature importance (share of each version's total gain)</h4>
      <div class="imp-legend">
        {cols.versions.map((v) => (
          <span>
            <i style={`background:${color(cols.versions, v)}`} /> v{v}
          </span>
        ))}
      </div>
      {rows.map((r) => (
        <div class="imp-row" data-testid={`importance-${r.feature}`}>
          <span class="imp-name">{r.feature}</span>
          <span class="imp-bars">
            {r.bars.map((b) => (
              <span class="imp-bar" data-version={b.version} title={`v${b.version}: ${pct(b.share)} of gain (gain ${fmt(b.gain, 3)})`} style={`width:${b.width.toFixed(1)}%;background:${color(cols.versions, b.version)}`} />
            ))}
          </span>
        </div>
      ))}
    </div>
  );
}

const metricRows: [string, string][] = [
  ['model', 'model'],
  ['seasonalNaive', 'seasonal naive'],
  ['lastValue', 'last value'],
  ['champion', 'champion at the time'],
];

function CompareTable({ rows, cols }: { rows: ModelRow[]; cols: CompareColumns | null }) {
  const keys = [...new Set(rows.flatMap((r) => Object.keys(r.params)))].sort();
  const m = (r: ModelRow, name: string, k: 'wape' | 'mae' | 'rmse' | 'wmae') => {
    const x = r.metrics[name] as Record<string, number> | null | undefined;
    return x && typeof x[k] === 'number' ? x[k] : null;
  };
  const metricCell = (r: ModelRow, name: string) => (m(r, name, 'wape') === null ? '–' : `${pct(m(r, name, 'wape'))} · ${fmt(m(r, name, 'wmae'), 1)} · ${fmt(m(r, name, 'rmse'), 1)}`);
  const best = (r: ModelRow) => cols?.runs.find((x) => x.version === r.version);
  const line = (label: string, cell: (r: ModelRow) => string) => (
    <tr>
      <td>{label}</td>
      {rows.map((r) => (
        <td>{cell(r)}</td>
      ))}
    </tr>
  );
  return (
    <table class="compare" data-testid="compare-table">
      <thead>
        <tr>
          <th />
          {rows.map((r) => (
            <th>v{r.version}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {line('stage', (r) => [r.stage, ...r.aliases].join(', '))}
        {line('decision', (r) => r.decisionReason || r.decision)}
        {line('tags', (r) => Object.entries(r.tags).map(([k, v]) => `${k}=${v}`).join(', ') || '–')}
        {line('description', (r) => r.description || '–')}
        {line('trigger', (r) => r.trigger)}
        {line('data window', (r) => `up to ${r.dataMaxWeek} (${fmt(r.dataRows)} rows, ${fmt(r.dataSeries)} series)`)}
        {line('holdout weeks', (r) => (r.holdoutWeeks.length ? `${r.holdoutWeeks[0]} … ${r.holdoutWeeks.at(-1)}` : '–'))}
        {line('horizon', (r) => fmt(r.horizon))}
        {line('best round', (r) => (best(r)?.bestRound ? `${best(r)!.bestRound} of ${best(r)!.totalRounds}` : '–'))}
        {line('features', (r) => r.featureVersion)}
        {line('duration', (r) => dur(r.durationMs))}
        {metricRows.map(([k, label]) => line(`${label}: WAPE · WMAE · RMSE`, (r) => metricCell(r, k)))}
        {keys.map((k) => line(`param ${k}`, (r) => JSON.stringify(r.params[k] ?? '–')))}
        {line('artifact', (r) => r.artifactSha256.slice(0, 16))}
      </tbody>
    </table>
  );
}
