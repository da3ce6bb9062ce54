/**
 * A backtest's files: result.json (everything, for machines), metrics.csv
 * (overall, per horizon, per cut-off, per method), points.csv (every point
 * with an actual and each method's forecast) and report.html (for people).
 */
import { createWriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { once } from 'node:events';
import { isoOfDay } from '../../lib/weeks.js';
import type { Metrics } from '../../domain/registry/metrics.js';
import { isScored, type BacktestMetrics } from './aggregate.js';
import { BOUNDS, METHOD_COLUMNS, METHODS, type Method, type PointSet } from '../../domain/backtest/points.js';
import type { BacktestResult } from './result.js';
import { renderReport } from './report-html.js';
import type { Chart } from './report-data.js';
import type { SalesLog } from './sales-log.js';

/** File names inside a backtest's folder. */
export { BACKTEST_FILES as FILES } from '../../domain/backtest/files.js';
import { BACKTEST_FILES as FILES } from '../../domain/backtest/files.js';

/** Paths of a backtest's files in `dir`. */
export function filesIn(dir: string): BacktestResult['files'] {
  return { result: join(dir, FILES.result), metricsCsv: join(dir, FILES.metricsCsv), pointsCsv: join(dir, FILES.pointsCsv), report: join(dir, FILES.report) };
}

const num = (v: number | undefined, digits: number) => (v === undefined || !Number.isFinite(v) ? '' : String(+v.toFixed(digits)));

/** metrics.csv: `scope,key,method,n,wape,mae,rmse,wmae` for overall, each horizon and each cut-off. */
export function metricsCsv(m: BacktestMetrics): string {
  const lines = ['scope,key,method,n,wape,mae,rmse,wmae'];
  const add = (scope: string, key: string | number, g: Partial<Record<Method, Metrics>>) => {
    for (const method of m.methods) {
      const x = g[method];
      if (x) lines.push([scope, key, method, x.n, num(x.wape, 6), num(x.mae, 4), num(x.rmse, 4), num(x.wmae, 4)].join(','));
    }
  };
  add('overall', 'all', m.overall);
  for (const g of m.byHorizon) add('horizon', g.horizon, g.metrics);
  for (const g of m.byCutoff) add('cutoff', g.cutoff, g.metrics);
  return `${lines.join('\n')}\n`;
}

/** Streams points.csv; `scored` = 1 when the point is in the same-point comparison; the model's 80/95% bounds are empty where it had none. */
async function writePointsCsv(path: string, points: PointSet, log: SalesLog, cutoffs: readonly string[], methods: readonly Method[]): Promise<void> {
  const out = createWriteStream(path);
  const write = async (s: string) => {
    if (!out.write(s)) await once(out, 'drain');
  };
  await write(`cutoff,store,dept,week,horizon,holiday,actual,${METHODS.map((m) => METHOD_COLUMNS[m]).join(',')},scored,${BOUNDS.join(',')}\n`);
  let chunk = '';
  for (let i = 0; i < points.length; i++) {
    const s = log.series[points.series[i]!]!;
    const f = METHODS.map((m) => num(points.forecasts[m][i], 2)).join(',');
    const b = BOUNDS.map((k) => num(points.bounds[k][i], 2)).join(',');
    chunk += `${cutoffs[points.cutoff[i]!]},${s.store},${s.dept},${isoOfDay(points.targetDay[i]!)},${points.horizon[i]},${points.holiday[i]},${num(points.actual[i], 2)},${f},${isScored(points, i, methods) ? 1 : 0},${b}\n`;
    if (chunk.length > 1 << 16) {
      await write(chunk);
      chunk = '';
    }
  }
  await write(chunk);
  out.end();
  await once(out, 'finish');
}

/** Writes metrics.csv, points.csv and report.html into `dir` (created when missing). */
export async function writeReportFiles(dir: string, r: BacktestResult, points: PointSet, log: SalesLog, charts: Chart[]): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(r.files.metricsCsv, metricsCsv(r.metrics));
  await writePointsCsv(r.files.pointsCsv, points, log, r.cutoffs, r.metrics.methods);
  await writeFile(r.files.report, renderReport(r, charts));
}

/** Writes result.json last, so it can carry the time the other files took. */
export async function writeResultJson(r: BacktestResult): Promise<void> {
  await writeFile(r.files.result, `${JSON.stringify(r, null, 1)}\n`);
}
