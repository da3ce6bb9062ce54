/**
 * The computed predict path's pieces, in process, no stack: per row of
 * batches of 100 past origins over the benchmark's 200 simulated series
 * (the bodies bench/predict.ts sends), JSON.parse of the body, the quick
 * item check, resolving the items, fillOrigin + fillTarget, and the whole
 * computed answer with its JSON text with the model stubbed (a fixed
 * output: onnxruntime-node's own speed is a row of bench/predict.ts); then
 * the department profiles' rebuild at the simulator's full size, all of
 * them against one department. `npx tsx bench/predict/in-process.ts`.
 * The figures of docs/performance.md ("Since that run") come from it.
 */
import { calibrateIntervals, type ConformalIntervals } from '../../domain/intervals/conformal.js';
import { generateHistory } from '../../domain/simulation/generator.js';
import { DeptProfiles, FEATURE_COUNT, SeriesHistory } from '../../domain/features/features.js';
import { fillOrigin, fillTarget } from '../../domain/features/fill.js';
import type { PredictItem } from '../../gateway/api/schemas.js';
import type { LoadedModel } from '../../gateway/model/holder.js';
import { predictResponse } from '../../gateway/predict/answer.js';
import { computedPredictions } from '../../gateway/predict/computed.js';
import { isPlainItem } from '../../gateway/predict/parse.js';
import { resolveItem, type ScoringRow } from '../../gateway/predict/resolve.js';
import { SeriesStore } from '../../gateway/state/series-store.js';
import { benchBodies } from './bodies.js';

const BATCH = 100;
const REPS = 400;

/** Intervals calibrated on made-up residuals (as computed.unit.test.ts does): the table's lookups cost the same whatever the widths. */
function intervals(): ConformalIntervals {
  const n = 12_000;
  const actual = new Float64Array(n);
  const forecast = new Float64Array(n);
  const scale = new Float64Array(n);
  const horizon = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    scale[i] = 10 ** (1 + ((i * 7919) % 3000) / 1000);
    forecast[i] = scale[i]!;
    horizon[i] = 1 + (i % 4);
    actual[i] = forecast[i]! * (1 + (((i * 104_729) % 1000) / 1000 - 0.5) * 0.1 * horizon[i]!);
  }
  return calibrateIntervals({ actual, forecast, scale, horizon, context: (i) => ({ targetDay: 14_650 + 7 * (i % 104), yearAgoKnown: i % 3 !== 0 }) }, 4);
}

/** µs per row of `fn` over REPS batches (after 100 discarded). */
async function perRow(fn: (i: number) => unknown): Promise<number> {
  for (let i = 0; i < 100; i++) await fn(i);
  const t0 = performance.now();
  for (let i = 0; i < REPS; i++) await fn(i);
  return ((performance.now() - t0) * 1000) / REPS / BATCH;
}

async function main(): Promise<void> {
  const store = new SeriesStore();
  for (const e of generateHistory({ seed: 42, stores: 10, depts: 20, startWeek: '2010-02-05', weeks: 143 })) store.apply(e);
  const model = {
    version: 1,
    runId: 'bench',
    sha256: 'bench',
    horizon: 4,
    intervals: intervals(),
    loadedAt: 0,
    blend: null,
    scorer: { score: (_X: Float32Array, rows: number) => Promise.resolve(new Float32Array(rows).fill(0.1)), warm: () => Promise.resolve(), release: () => Promise.resolve() },
  } as unknown as LoadedModel;
  const bodies = benchBodies(store, 4, BATCH).computedBatch;
  const items = bodies.map((b) => (JSON.parse(b) as { items: PredictItem[] }).items);
  const rows: ScoringRow[][] = items.map((its) => its.map((it, k) => resolveItem(store, it, model.horizon, model.version, k)));
  const all = rows.map(() => Array.from({ length: BATCH }, (_, k) => k));
  const v = new Float32Array(FEATURE_COUNT);
  const at = (i: number) => i % bodies.length;
  const figures: Record<string, string> = {};
  for (let round = 1; round <= 3; round++) {
    const r = {
      'JSON.parse of the body': await perRow((i) => JSON.parse(bodies[at(i)]!)),
      'quick item check (isPlainItem)': await perRow((i) => items[at(i)]!.every(isPlainItem)),
      'resolveItem': await perRow((i) => items[at(i)]!.map((it, k) => resolveItem(store, it, model.horizon, model.version, k))),
      'fillOrigin + fillTarget': await perRow((i) => {
        for (const row of rows[at(i)]!) {
          fillOrigin(row.history, row.t - row.horizon, v);
          fillTarget(row.history, row.t, row.horizon, v);
        }
      }),
      'computed answer + JSON, model stubbed': await perRow(async (i) =>
        predictResponse(model, true, { json: await computedPredictions(model, rows[at(i)]!, all[at(i)]!, () => 'week', 'bench'), cached: 0 }, 'bench'),
      ),
    };
    for (const [k, us] of Object.entries(r)) figures[k] = `${figures[k] ? `${figures[k]} / ` : ''}${us.toFixed(2)}`;
  }
  console.log(`µs per row, batches of ${BATCH}, ${store.size} series, 3 rounds:`);
  console.table(figures);

  // the department profiles at the simulator's full size: a rebuild of all, then of one department
  const series = [...SeriesHistory.fromSalesWeeks(generateHistory({ seed: 42, stores: 45, depts: 81, startWeek: '2010-02-05', weeks: 143 })).values()];
  const profiles = new DeptProfiles(() => series);
  const one = series.find((s) => s.length > 20)!;
  const ms = (fn: () => void) => {
    const t0 = performance.now();
    fn();
    return (performance.now() - t0).toFixed(2);
  };
  const full: string[] = [];
  const dept: string[] = [];
  for (let r = 0; r < 5; r++) {
    full.push(ms(() => (profiles.invalidate(), profiles.meanAt(one.dept, one.firstDay))));
    one.upsert({ week: one.weekAt(10), sales: 100 + r });
    dept.push(ms(() => (profiles.invalidate(one.dept), profiles.meanAt(one.dept, one.firstDay))));
  }
  console.log(`department profiles, ${series.length} series: every one rebuilt ${full.join(' / ')} ms; one department ${dept.join(' / ')} ms`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
