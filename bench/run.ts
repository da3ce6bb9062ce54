/**
 * `npm run bench`: every benchmark, one after the other, each in its own
 * process against the running stack (`npm run stack -- up`). Figures are
 * printed by each script; the README keeps the latest ones. The last one,
 * bench/walk-forward.ts, needs no stack: it prints the issue-9 accuracy
 * figures (band ratios to seasonal naive, interval coverage) in-process.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

// `--scale 1,4,16` runs the scale curve (bench/scale.ts) instead of the single-size benchmarks
// `real` runs only the real-data evaluation (bench/real.ts)
const BENCHES = process.argv.includes('real') ? ['bench/real.ts'] : process.argv.includes('--scale') ? ['bench/scale.ts'] : ['bench/backfill.ts', 'bench/train.ts', 'bench/predict.ts', 'bench/replay.ts', 'bench/backtest.ts', 'bench/walk-forward.ts'];
let failed = 0;
for (const file of BENCHES.filter((f) => existsSync(f))) {
  process.stdout.write(`\n== ${file}\n`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', file, ...process.argv.slice(2)], { stdio: 'inherit' });
  if (r.status !== 0) failed += 1;
}
process.exit(failed > 0 ? 1 : 0);
