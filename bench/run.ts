/**
 * `npm run bench`: every benchmark, one after the other, each in its own
 * process against the running stack (`npm run stack -- up`). Figures are
 * printed by each script; the README keeps the latest ones. The last one,
 * bench/walk-forward.ts, needs no stack: it prints the issue-9 accuracy
 * figures (band ratios to seasonal naive, interval coverage) in-process.
 * Flags are checked here (lib/process/cli.ts) before any benchmark starts, then
 * passed to each benchmark, which reads the ones it knows.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { runCli, UsageError, type CliArgs } from '../lib/process/cli.js';

const USAGE = `usage: npm run bench -- [real | hierarchy [real|sim]] [options]
  (nothing)            backfill, train, predict, replay, backtest and walk-forward, against the running stack
  real                 only the real-data evaluation (bench/real.ts)
  hierarchy [real|sim] the per-level table of docs/hierarchy.md (bench/hierarchy.ts, no stack needed): base,
                       bottom-up and MinT-shrink scored per level on the real slice (default) or the simulator
  --scale 1,4,16       the scale curve instead (bench/scale.ts; --skip NAMES)
  --restart N          the gateway's start with and without a snapshot, at N times the history (bench/restart.ts;
                       --compare DIR also times a checkout in DIR restoring the same snapshot, e.g. the code before a change)
passed to each benchmark, which reads those it knows:
  backfill  --multiplier N --rounds N        train     --database DB --prefix P --runs N --json --keep
  predict   --duration S --only NAME --target NAME (repeatable) --rate N --concurrency N --trees N --verbose
  backtest  --prefix P --keep                walk-forward --params JSON
  real      --csv DIR --protocol NAME --in-process --no-blend --max-rows N --params JSON --keep
  hierarchy --csv DIR --points FILE --warmup 8 --refit-every 4
  -h, --help           this text`;

const OPTIONS = {
  scale: { type: 'string' },
  skip: { type: 'string' },
  restart: { type: 'string' },
  compare: { type: 'string' },
  multiplier: { type: 'string' },
  rounds: { type: 'string' },
  database: { type: 'string' },
  prefix: { type: 'string' },
  runs: { type: 'string' },
  json: { type: 'boolean' },
  keep: { type: 'boolean' },
  duration: { type: 'string' },
  only: { type: 'string' },
  target: { type: 'string', multiple: true },
  rate: { type: 'string' },
  concurrency: { type: 'string' },
  trees: { type: 'string' },
  verbose: { type: 'boolean' },
  params: { type: 'string' },
  csv: { type: 'string' },
  protocol: { type: 'string' },
  'in-process': { type: 'boolean' },
  'no-blend': { type: 'boolean' },
  'max-rows': { type: 'string' },
  points: { type: 'string' },
  warmup: { type: 'string' },
  'refit-every': { type: 'string' },
} as const;

/** The benchmark files the arguments select. */
function benches({ positionals, values }: CliArgs): string[] {
  // `hierarchy` takes its own source word (real or sim); bench/hierarchy.ts reads it
  if (positionals[0] === 'hierarchy') {
    const extra = positionals.slice(1);
    const bad = extra.length > 1 ? extra[1]! : extra.find((w) => w !== 'real' && w !== 'sim');
    if (bad !== undefined) throw new UsageError(bad, 'unexpected argument after hierarchy; expected "real", "sim" or nothing (see --help)');
    return ['bench/hierarchy.ts'];
  }
  const word = positionals.find((w) => w !== 'real');
  if (word !== undefined) throw new UsageError(word, 'unexpected argument; expected "real", "hierarchy [real|sim]" or nothing (see --help)');
  // `real` runs only the real-data evaluation; `--scale 1,4,16` the scale curve instead of the single-size benchmarks
  if (positionals.includes('real')) return ['bench/real.ts'];
  if (values.scale !== undefined) return ['bench/scale.ts'];
  if (values.restart !== undefined) return ['bench/restart.ts'];
  return ['bench/backfill.ts', 'bench/train.ts', 'bench/predict.ts', 'bench/replay.ts', 'bench/backtest.ts', 'bench/walk-forward.ts'];
}

async function main(args: CliArgs): Promise<number> {
  let failed = 0;
  const files = benches(args).filter((f) => existsSync(f));
  for (const file of files) {
    process.stdout.write(`\n== ${file}\n`);
    const r = spawnSync(process.execPath, ['--import', 'tsx', file, ...process.argv.slice(2)], { stdio: 'inherit' });
    // one benchmark alone keeps its own exit code (2 for a bad flag value it checked), so scripts can tell a mistake from a failure
    if (files.length === 1) return r.status ?? 1;
    if (r.status !== 0) failed += 1;
  }
  return failed > 0 ? 1 : 0;
}

runCli(main, { usage: USAGE, options: OPTIONS });
