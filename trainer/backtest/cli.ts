/**
 * `npm run backtest -- [options]` runs a walk-forward backtest;
 * `npm run backtest -- list` shows past ones from the projection.
 * User errors print one line naming the flag and exit 2; dependency errors
 * exit 1; no stack trace unless LOG_LEVEL=debug (lib/process/cli.ts).
 */
import { runCli, type CliArgs } from '../../lib/process/cli.js';
import { loadConfig } from '../../lib/config.js';
import { ValidationError } from '../../lib/errors.js';
import { createLogger, setLogLevel } from '../../lib/log.js';
import { progressBar } from '../../lib/process/progress.js';
import { listBacktests, type BacktestListing } from '../../domain/backtest/io/projection/read.js';
import { parseRequest } from '../../domain/backtest/request.js';
import { runBacktest, type BacktestProgress } from './run.js';
import { bandTableText } from './band-table.js';
import { hierarchyTable } from './hierarchy.js';

const log = createLogger('backtest');
const USAGE = `usage: npm run backtest -- [options]        run a walk-forward backtest on the sales topic
       npm run backtest -- list [--limit N]   past backtests (from the projection)
  --cutoffs N        the last N weeks that can be evaluated (default 39)
  --from DATE --to DATE   every evaluable week in this range instead (YYYY-MM-DD)
  --horizon H        forecast h = 1..H weeks after each cut-off (1..52; default TRAIN_HORIZON, 13)
  --refit-every K    refit the model at every K-th cut-off (default 4); in between the last model forecasts
  --params JSON      XGBoost overrides on the trainer's defaults, e.g. '{"rounds":80}'
  --series LIST      series to chart, store:dept comma-separated (default the 3 largest)
  --out DIR          output folder (default .stack/backtests/<id>/)
  --reason TEXT      why (recorded with the request)
  --limit N          list: how many (default 20)
  -h, --help         this text`;

const OPTIONS = {
  cutoffs: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  horizon: { type: 'string' },
  'refit-every': { type: 'string' },
  params: { type: 'string' },
  series: { type: 'string' },
  out: { type: 'string' },
  reason: { type: 'string' },
  limit: { type: 'string' },
} as const;

const fmtTime = (ms: number) => {
  const s = Math.round(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
};
const pct = (v: number | null | undefined) => (v === null || v === undefined || !Number.isFinite(v) ? '   –  ' : `${(v * 100).toFixed(2).padStart(5)}%`);

function progressPrinter(): (p: BacktestProgress) => void {
  const bar = progressBar('read', 'events');
  let reading = true;
  return (p) => {
    if (p.phase === 'read') return bar.update(p.done, p.total);
    if (reading) {
      bar.done();
      reading = false;
    }
    const refit = p.refit ? `refit on ${p.refit.trainRows.toLocaleString('en-US')} rows in ${(p.refit.ms / 1000).toFixed(1)}s, ` : '';
    process.stderr.write(`cut-off ${String(p.index).padStart(String(p.total).length)}/${p.total} ${p.cutoff}  ${refit}${p.forecastRows.toLocaleString('en-US')} forecasts  elapsed ${fmtTime(p.elapsedMs)}  eta ${fmtTime(p.etaMs)}\n`);
  };
}

function printListing(items: BacktestListing[]): void {
  if (items.length === 0) {
    process.stdout.write('no backtests recorded yet\n');
    return;
  }
  process.stdout.write(`${'id'.padEnd(26)} ${'status'.padEnd(9)} ${'cut-offs'.padEnd(25)} ${'H'.padStart(2)}  ${'model'.padStart(6)}  ${'s-naive'.padStart(6)}  ${'last'.padStart(6)}  ${'mean4'.padStart(6)}  report\n`);
  for (const b of items) {
    const cuts = b.cutoffs.count > 0 ? `${b.cutoffs.count} ${b.cutoffs.first}..${b.cutoffs.last?.slice(5)}` : '';
    process.stdout.write(
      `${b.id.padEnd(26)} ${b.status.padEnd(9)} ${cuts.padEnd(25)} ${String(b.horizon).padStart(2)}  ${pct(b.wape.model)}  ${pct(b.wape.seasonalNaive)}  ${pct(b.wape.lastValue)}  ${pct(b.wape.mean4)}  ${b.reportPath ?? b.failure ?? ''}\n`,
    );
  }
}

async function main(args: CliArgs): Promise<number> {
  const values = args.values as { [K in keyof typeof OPTIONS]?: string };
  const positionals = args.positionals;
  const cfg = loadConfig();
  setLogLevel(cfg.logLevel, cfg.logFormat);
  if (positionals[0] === 'list') {
    const limit = values.limit === undefined ? 20 : Number(values.limit);
    if (!Number.isInteger(limit) || limit < 1) throw new ValidationError('--limit', 'a positive integer', values.limit);
    printListing(await listBacktests(cfg, { limit }));
    return 0;
  }
  if (positionals.length > 0) throw new ValidationError('command', '"list" or none (run a backtest)', positionals[0]);
  const req = parseRequest(
    {
      cutoffs: values.cutoffs,
      from: values.from,
      to: values.to,
      horizon: values.horizon,
      refitEvery: values['refit-every'],
      params: values.params,
      series: values.series,
      out: values.out,
      reason: values.reason,
      requestedBy: `cli:${process.env.USER ?? 'unknown'}`,
    },
    cfg.trainer.horizon,
    true,
  );
  const r = await runBacktest(cfg, req, { log, onProgress: progressPrinter() });
  const m = r.metrics;
  process.stdout.write(`\nbacktest ${r.id}: ${r.cutoffs.length} cut-offs ${r.cutoffs[0]} .. ${r.cutoffs[r.cutoffs.length - 1]}, h=1..${r.spec.horizon}, ${r.refits.length} refit(s), ${m.points.toLocaleString('en-US')} points\n`);
  process.stdout.write(`${'method'.padEnd(16)} ${'WAPE'.padStart(8)} ${'MAE'.padStart(10)} ${'RMSE'.padStart(10)} ${'WMAE'.padStart(10)}\n`);
  for (const k of m.methods) {
    const x = m.overall[k]!;
    process.stdout.write(`${k.padEnd(16)} ${pct(x.wape).padStart(8)} ${x.mae.toFixed(1).padStart(10)} ${x.rmse.toFixed(1).padStart(10)} ${x.wmae.toFixed(1).padStart(10)}\n`);
  }
  process.stdout.write(`\n${bandTableText(m)}\n`);
  if (r.everyPoint) {
    const e = r.everyPoint;
    process.stdout.write(`\nevery point with an actual: ${e.points.toLocaleString('en-US')}, ${(e.modelShare * 100).toFixed(1)}% forecast by the model (the rest: seasonal naive, else 0)\n${bandTableText(e.metrics)}\n`);
  }
  if (r.hierarchy) process.stdout.write(`\nper level (total, store, dept, series; coverage of intervals per level, docs/hierarchy.md):\n${hierarchyTable(r.hierarchy)}\n`);
  for (const e of m.excluded) process.stdout.write(`not compared: ${e.method}: ${e.reason}\n`);
  for (const n of r.notes) process.stdout.write(`note: ${n}\n`);
  process.stdout.write(`report: ${r.files.report}\n`);
  return 0;
}

// BACKTEST_DATA: the log holds too few weeks for the cut-offs asked for
runCli(main, { usage: USAGE, options: OPTIONS, refusals: ['BACKTEST_DATA'] });
