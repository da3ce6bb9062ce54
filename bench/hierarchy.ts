/**
 * Coherent forecasts per level of the hierarchy (total, store, dept, series):
 * `npx tsx bench/hierarchy.ts [real|sim]`. Runs the backtest's walk-forward
 * in-process (the trainer's XGBoost fit, h = 1..4, weekly cut-offs
 * 2012-01-27 .. 2012-09-28, refit every 4: the `short` protocol of
 * bench/real.ts), then scores base, bottom-up and MinT-shrink forecasts per
 * level (trainer/backtest/hierarchy.ts) and prints the table of
 * docs/hierarchy.md.
 *
 *   npx tsx bench/hierarchy.ts real              ../shared/data/walmart-dev (stores 1-30)
 *   npx tsx bench/hierarchy.ts sim               the simulator's generated history
 *   ... --refit-every 36                         fewer refits (the simulator's 3,263 series take ~9 min a fit on 2 cores)
 *   ... --points FILE                            keep the walk-forward's points in FILE (re-scoring skips the fits)
 *   ... --warmup 8                               cut-offs that only calibrate W and the intervals
 */
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../lib/config.js';
import { setLogLevel } from '../lib/log.js';
import { parseIsoDay } from '../lib/weeks.js';
import { evaluateHierarchy, hierarchyTable, slicesOf } from '../trainer/backtest/hierarchy.js';
import { hierarchyPoints } from './hierarchy-points.js';
import { logOfFiles, PROTOCOLS, realFiles } from './real.js';
import { generatedLog } from './walk-forward.js';

interface Options {
  source: 'real' | 'sim';
  warmup: number;
  refitEvery: number;
  csv: string | undefined;
  points: string | undefined;
}

/** The command line, or the exit code when it printed the usage (0) or refused a value (2, the flag named on stderr). */
function parseOptions(argv: string[]): Options | number {
  const { values, positionals } = parseArgs({
    args: argv.filter((a) => a !== 'hierarchy'),
    allowPositionals: true,
    options: {
      points: { type: 'string' },
      warmup: { type: 'string', default: '8' },
      'refit-every': { type: 'string', default: '4' },
      csv: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write('usage: npx tsx bench/hierarchy.ts [real|sim] [--csv DIR] [--points FILE] [--warmup 8] [--refit-every 4]\n');
    return 0;
  }
  const source = positionals.find((w) => w !== 'hierarchy') ?? 'real';
  if (source !== 'real' && source !== 'sim') {
    process.stderr.write(`source: expected real or sim, got "${source}"\n`);
    return 2;
  }
  const warmup = Number(values.warmup);
  if (!(Number.isInteger(warmup) && warmup >= 1)) {
    process.stderr.write(`--warmup: expected a positive integer (cut-offs that only calibrate), got "${values.warmup}"\n`);
    return 2;
  }
  const refitEvery = Number(values['refit-every']);
  if (!(Number.isInteger(refitEvery) && refitEvery >= 1)) {
    process.stderr.write(`--refit-every: expected a positive integer (cut-offs between model refits), got "${values['refit-every']}"\n`);
    return 2;
  }
  return { source, warmup, refitEvery, csv: values.csv, points: values.points };
}

async function main(): Promise<number> {
  const opts = parseOptions(process.argv.slice(2));
  if (typeof opts === 'number') return opts;
  const { source, warmup, refitEvery } = opts;
  setLogLevel('warn');
  const cfg = loadConfig();
  let log;
  if (source === 'real') {
    const dir = resolve(opts.csv ?? join(cfg.root, '..', 'shared', 'data', 'walmart-dev'));
    const files = realFiles(dir);
    if ('missing' in files) {
      process.stdout.write(`hierarchy on real data skipped: ${files.missing}\n`);
      return opts.csv ? 2 : 0;
    }
    log = (await logOfFiles(files)).log;
  } else {
    log = generatedLog();
  }
  const protocol = PROTOCOLS.find((p) => p.name === 'short')!;
  const t0 = performance.now();
  const hp = await hierarchyPoints(log, { ...protocol, refitEvery, python: cfg.trainer.python, ...(opts.points ? { cache: opts.points } : {}) });
  const t1 = performance.now();
  const { hierarchy, slices } = slicesOf(hp.points, hp.series, hp.cutoffs.map((c) => parseIsoDay(c)!));
  const report = evaluateHierarchy(hierarchy, slices, { warmup, covarianceEvery: 4 });
  const t2 = performance.now();
  const lambdas = report.lambdas.map((l) => l.toFixed(3)).join(', ');
  process.stdout.write(
    [
      `${source}: ${log.series.length} series; ${hp.cutoffs.length} cut-offs ${hp.cutoffs[0]} .. ${hp.cutoffs.at(-1)}, h 1..${hp.horizon}; ` +
        `${report.evaluatedCutoffs} scored after ${warmup} warm-up cut-offs; walk-forward ${((t1 - t0) / 1000).toFixed(0)} s, reconciliation and scoring ${((t2 - t1) / 1000).toFixed(0)} s`,
      `nodes: ${report.nodes.total} total, ${report.nodes.store} stores, ${report.nodes.dept} depts, ${report.nodes.series} series; MinT shrinkage lambda per estimate: ${lambdas}`,
      `largest relative incoherence: base ${report.incoherence.base.toExponential(2)}, bottom-up ${report.incoherence.bottomUp.toExponential(2)}, MinT ${report.incoherence.mintShrink.toExponential(2)}`,
      hierarchyTable(report),
    ].join('\n') + '\n',
  );
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`bench hierarchy failed: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
