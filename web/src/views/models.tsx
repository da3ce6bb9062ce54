import { useState } from 'preact/hooks';
import type { ModelRow } from '../../../domain/live/protocol.js';
import { promote, rollback } from '../actions.js';
import { dateTime, dur, fmt, pct, wapeOf } from '../format.js';
import { live } from '../live.js';
import { useStore } from '../store.js';
import { CsvButton } from '../table.js';
import { MODEL_CSV_COLUMNS } from './model-csv.js';

/** Every run and version (the registry), two of them side by side, promote and roll back. */
export function ModelsView() {
  const s = useStore(live);
  const [picked, setPicked] = useState<number[]>([]);
  const toggle = (v: number) => setPicked((p) => (p.includes(v) ? p.filter((x) => x !== v) : [...p.slice(-1), v]));
  const byVersion = new Map(s.models.models.map((m) => [m.version, m]));
  const chosen = picked.map((v) => byVersion.get(v)).filter((m): m is ModelRow => m !== undefined);
  return (
    <div class="grid">
      <div class="panel">
        <div class="row" style="justify-content:space-between">
          <h3>Versions</h3>
          <CsvButton columns={MODEL_CSV_COLUMNS} rows={s.models.models} name="models" testId="models-table-csv" />
          <button class="danger" data-testid="rollback" disabled={s.models.champion === null} onClick={() => void rollback()}>
            Roll back to the previous champion
          </button>
        </div>
        <table data-testid="models-table">
          <thead>
            <tr>
              <th>compare</th>
              <th>version</th>
              <th>stage</th>
              <th>trigger</th>
              <th class="num">WAPE</th>
              <th class="num">seasonal naive</th>
              <th class="num">champion then</th>
              <th>data up to</th>
              <th class="num">rows</th>
              <th>trained</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {s.models.models.map((m) => {
              const w = wapeOf(m.metrics, 'model');
              const sn = wapeOf(m.metrics, 'seasonalNaive');
              const ch = wapeOf(m.metrics, 'champion');
              return (
                <tr data-testid={`model-row-${m.version}`}>
                  <td>
                    <input type="checkbox" checked={picked.includes(m.version)} onChange={() => toggle(m.version)} aria-label={`compare v${m.version}`} />
                  </td>
                  <td>v{m.version}</td>
                  <td>
                    <span class={`stage ${m.stage}`}>{m.stage}</span>
                  </td>
                  <td>{m.trigger || '–'}</td>
                  <td class="num">{pct(w)}</td>
                  <td class={`num ${w !== null && sn !== null ? (w < sn ? 'better' : 'worse') : ''}`}>{pct(sn)}</td>
                  <td class={`num ${w !== null && ch !== null ? (w < ch ? 'better' : 'worse') : ''}`}>{pct(ch)}</td>
                  <td>{m.dataMaxWeek || '–'}</td>
                  <td class="num">{fmt(m.dataRows)}</td>
                  <td>{dateTime(m.trainedAt)}</td>
                  <td>
                    {m.stage !== 'champion' && m.stage !== 'failed' ? (
                      <button class="secondary" data-testid={`promote-${m.version}`} onClick={() => void promote(m.version)}>
                        Promote
                      </button>
                    ) : null}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
        {s.models.models.length === 0 ? <p class="muted">No model yet: click "Train now".</p> : <p class="muted">Baseline WAPEs are green where the model beats them. Tick two versions to compare them side by side.</p>}
      </div>
      {chosen.length === 2 ? <Compare a={chosen[0]!} b={chosen[1]!} /> : null}
    </div>
  );
}

const metricRows: [string, string][] = [
  ['model', 'model'],
  ['seasonalNaive', 'seasonal naive'],
  ['lastValue', 'last value'],
  ['champion', 'champion at the time'],
];

function Compare({ a, b }: { a: ModelRow; b: ModelRow }) {
  const keys = [...new Set([...Object.keys(a.params), ...Object.keys(b.params)])].sort();
  const m = (r: ModelRow, name: string, k: 'wape' | 'mae' | 'rmse' | 'wmae') => {
    const x = r.metrics[name] as Record<string, number> | null | undefined;
    return x && typeof x[k] === 'number' ? x[k] : null;
  };
  const metricCell = (r: ModelRow, name: string) =>
    m(r, name, 'wape') === null ? '–' : `${pct(m(r, name, 'wape'))} · ${fmt(m(r, name, 'wmae'), 1)} · ${fmt(m(r, name, 'rmse'), 1)}`;
  const row = (label: string, va: string, vb: string) => (
    <tr>
      <td>{label}</td>
      <td>{va}</td>
      <td>{vb}</td>
    </tr>
  );
  return (
    <div class="panel" data-testid="compare">
      <h3>
        v{a.version} vs v{b.version}
      </h3>
      <table class="compare">
        <thead>
          <tr>
            <th />
            <th>v{a.version}</th>
            <th>v{b.version}</th>
          </tr>
        </thead>
        <tbody>
          {row('stage', a.stage, b.stage)}
          {row('decision', a.decisionReason || a.decision, b.decisionReason || b.decision)}
          {row('trigger', a.trigger, b.trigger)}
          {row('data window', `up to ${a.dataMaxWeek} (${fmt(a.dataRows)} rows, ${fmt(a.dataSeries)} series)`, `up to ${b.dataMaxWeek} (${fmt(b.dataRows)} rows, ${fmt(b.dataSeries)} series)`)}
          {row('holdout weeks', a.holdoutWeeks.length ? `${a.holdoutWeeks[0]} … ${a.holdoutWeeks.at(-1)}` : '–', b.holdoutWeeks.length ? `${b.holdoutWeeks[0]} … ${b.holdoutWeeks.at(-1)}` : '–')}
          {row('horizon', fmt(a.horizon), fmt(b.horizon))}
          {row('features', a.featureVersion, b.featureVersion)}
          {row('duration', dur(a.durationMs), dur(b.durationMs))}
          {metricRows.map(([k, label]) => row(`${label}: WAPE · WMAE · RMSE`, metricCell(a, k), metricCell(b, k)))}
          {keys.map((k) => row(`param ${k}`, JSON.stringify(a.params[k] ?? '–'), JSON.stringify(b.params[k] ?? '–')))}
          {row('artifact', a.artifactSha256.slice(0, 16), b.artifactSha256.slice(0, 16))}
        </tbody>
      </table>
    </div>
  );
}
