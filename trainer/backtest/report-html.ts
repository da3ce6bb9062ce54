/**
 * The self-contained HTML report: uPlot's script and stylesheet are inlined
 * and the chart columns embedded as JSON, so the file opens offline, from
 * disk or as a download, with nothing else next to it.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Metrics } from '../../domain/registry/metrics.js';
import type { BacktestResult } from './result.js';
import { METHOD_LABELS, type Chart } from './report-data.js';
import { bandTableHtml } from './band-table.js';

const require = createRequire(import.meta.url);

let uplot: { js: string; css: string } | null = null;
function uplotAssets(): { js: string; css: string } {
  uplot ??= {
    js: readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8'),
    css: readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8'),
  };
  return uplot;
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const fmtPct = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '–' : `${(v * 100).toFixed(2)}%`);
const fmtNum = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '–' : Math.round(v).toLocaleString('en-US'));
/** JSON that cannot close the script element it sits in. */
const scriptJson = (v: unknown) => JSON.stringify(v).replace(/</g, '\\u003c');

function metricsTable(rows: { label: string; metrics: Partial<Record<string, Metrics>> }[], methods: readonly string[]): string {
  const head = `<tr><th></th>${methods.map((m) => `<th colspan="4">${esc(METHOD_LABELS[m as keyof typeof METHOD_LABELS] ?? m)}</th>`).join('')}</tr>
<tr><th></th>${methods.map(() => '<th>WAPE</th><th>MAE</th><th>RMSE</th><th>WMAE</th>').join('')}</tr>`;
  const body = rows
    .map((r) => {
      const best = Math.min(...methods.map((m) => r.metrics[m]?.wape ?? Infinity));
      const cells = methods
        .map((m) => {
          const x = r.metrics[m];
          const cls = x && x.wape === best ? ' class="best"' : '';
          return `<td${cls}>${fmtPct(x?.wape)}</td><td>${fmtNum(x?.mae)}</td><td>${fmtNum(x?.rmse)}</td><td>${fmtNum(x?.wmae)}</td>`;
        })
        .join('');
      return `<tr><th>${esc(r.label)}</th>${cells}</tr>`;
    })
    .join('\n');
  return `<table>${head}\n${body}</table>`;
}

/** The page's own styles (uPlot's come with its assets). */
const PAGE_CSS = `<style>
body { font: 14px/1.45 system-ui, sans-serif; margin: 24px; color: #222; max-width: 1100px; }
h1 { font-size: 20px; } h2 { font-size: 16px; margin-top: 28px; }
table { border-collapse: collapse; margin: 8px 0; font-variant-numeric: tabular-nums; }
th, td { border: 1px solid #ddd; padding: 3px 8px; text-align: right; } th { background: #f6f6f6; }
td.best { font-weight: 600; background: #eef6ee; }
dl { display: grid; grid-template-columns: max-content auto; gap: 2px 16px; } dt { color: #666; }
.chart { margin: 16px 0; } .notes li { margin: 2px 0; }
</style>`;

/** Draws every chart of the #chart-data JSON with uPlot, one heading and one chart each. */
const CHART_SCRIPT = `<script>
(function () {
  var charts = JSON.parse(document.getElementById('chart-data').textContent);
  var root = document.getElementById('charts');
  var width = Math.max(480, Math.min(1060, window.innerWidth - 48));
  charts.forEach(function (c) {
    var h = document.createElement('h2'); h.textContent = c.title; root.appendChild(h);
    var el = document.createElement('div'); el.className = 'chart'; root.appendChild(el);
    var opts = {
      width: width, height: 300,
      scales: { x: { time: c.time } },
      // horizons are whole weeks: no 1.2, 1.4 ticks
      axes: [c.time ? { label: c.xLabel } : { label: c.xLabel, incrs: [1, 2, 4, 8, 13, 26] }, { label: c.yLabel, size: 70 }],
      series: [{ label: c.xLabel }].concat(c.lines.map(function (l) {
        if (l.dots) return { label: l.label, stroke: l.color, width: 0, points: { show: true, size: 5, fill: l.color } };
        return { label: l.label, stroke: l.color, width: l.dashed ? 1 : 2, dash: l.dashed ? [5, 4] : undefined, points: { show: c.xs.length < 60 } };
      }))
    };
    new uPlot(opts, [c.xs].concat(c.lines.map(function (l) { return l.values; })), el);
  });
})();
</script>`;

/** What was run on what: cut-offs, horizon, refits, parameters, data, points and when. */
function factsList(r: BacktestResult): string {
  const m = r.metrics;
  const spec = r.spec.cutoffs.kind === 'last' ? `last ${r.spec.cutoffs.count} evaluable weeks` : `${r.spec.cutoffs.from} .. ${r.spec.cutoffs.to}`;
  return `<dl>
<dt>cut-offs</dt><dd>${r.cutoffs.length} (${esc(spec)}): ${esc(r.cutoffs[0] ?? '')} .. ${esc(r.cutoffs[r.cutoffs.length - 1] ?? '')}</dd>
<dt>horizon</dt><dd>1..${r.spec.horizon} weeks</dd>
<dt>refit</dt><dd>every ${r.spec.refitEvery} cut-off(s); ${r.refits.length} model(s) fitted</dd>
<dt>params</dt><dd><code>${esc(JSON.stringify(r.spec.params))}</code></dd>
<dt>data</dt><dd>${r.data.events.toLocaleString('en-US')} events of ${esc(r.data.topic)}, ${r.data.series} series, ${esc(r.data.firstWeek ?? '')} .. ${esc(r.data.lastWeek ?? '')}</dd>
<dt>points</dt><dd>${m.points.toLocaleString('en-US')} scored with every method (${m.dropped.toLocaleString('en-US')} with an actual dropped because a method had no forecast)</dd>
<dt>known at a cut-off</dt><dd>per series, the events before its first event of a later week; corrections arriving after that are actuals only</dd>
<dt>finished</dt><dd>${esc(new Date(r.finishedAt).toISOString())} in ${(r.durationMs / 1000).toFixed(1)} s</dd>
</dl>`;
}

/** The report page for a result and its charts. */
export function renderReport(r: BacktestResult, charts: Chart[]): string {
  const { js, css } = uplotAssets();
  const m = r.metrics;
  const notes = [...m.excluded.map((e) => `${METHOD_LABELS[e.method]} not compared: ${e.reason}`), ...r.notes];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Backtest ${esc(r.id)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>${css}</style>
${PAGE_CSS}</head><body>
<h1>Walk-forward backtest ${esc(r.id)}</h1>
${factsList(r)}
${notes.length > 0 ? `<h2>What could not be evaluated</h2><ul class="notes">${notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>` : ''}
<h2>Overall</h2>
${metricsTable([{ label: 'all', metrics: m.overall }], m.methods)}
<h2>By horizon band: the model against seasonal naive, and its intervals</h2>
<p>WMAE and WAPE of the model divided by seasonal naive's on the same points (below 1 beats it); the share of actuals inside the model's 80% and 95% conformal intervals, and their mean Winkler score (width plus 2/&alpha; times any miss; lower is better).</p>
${bandTableHtml(m, esc)}
<h2>By horizon</h2>
${metricsTable(m.byHorizon.map((g) => ({ label: `h=${g.horizon}`, metrics: g.metrics })), m.methods)}
<div id="charts"></div>
<script>${js}</script>
<script type="application/json" id="chart-data">${scriptJson(charts)}</script>
${CHART_SCRIPT}
</body></html>
`;
}
