/**
 * Runs the real Python step (the project venv, .stack/venv) on a small
 * simulated data set, then breaks it on purpose: a failing script, a missing
 * interpreter, a corrupted ONNX file and an ONNX that disagrees with XGBoost
 * must each surface as a clear, typed error.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AppError } from '../../lib/errors.js';
import { generateHistory } from '../../domain/simulation/generator.js';
import { isoOfDay } from '../../lib/weeks.js';
import { earlyStoppingSplit, splitByTime, type Dataset } from './dataset.js';
import { featureVector, inverseTarget, inverseTargets } from '../../domain/features/features.js';
import { baselineForecasts } from '../../domain/baselines/baselines.js';
import { compareOnSamePoints } from '../../domain/registry/metrics.js';
import { OnnxModel } from '../../domain/model/io/onnx-model.js';
import { SeriesHistory } from '../../domain/features/series-history.js';
import { DEFAULT_PYTHON, DEFAULT_VALID_WEEKS, TRAIN_SCRIPT, trainXgboost, type TrainResult, type TrainerLine } from './xgboost.js';

const tmp = mkdtempSync(join(tmpdir(), 'xgb-int-'));
// The project simulator: yearly seasonality, holiday lifts and a December ramp a model can learn.
const byKey = SeriesHistory.fromSalesWeeks(generateHistory({ stores: 4, depts: 10, seed: 7, producedAt: 0 }));
const fast = { rounds: 120, maxDepth: 5, eta: 0.15, nthread: 2 };
let data: Dataset;
let trained: TrainResult;
const lines: TrainerLine[] = [];

/** A stand-in train.py: reads the manifest like the real one, then runs `body` (python). */
function fakeScript(name: string, body: string): string {
  const path = join(tmp, name);
  writeFileSync(path, `import json, os, shutil, sys\nm = json.load(open(sys.argv[1]))\nbase = os.path.dirname(sys.argv[1])\n${body}\n`);
  return path;
}

/** The result.json fields a stand-in writes besides its predictions: a one-round fit. */
const ONE_ROUND = "'curves': {'metric': 'mae', 'train': [1.0], 'valid': [1.0], 'bestRound': 1}, 'importance': []";

/** The last progress line with a validation MAE. */
function progressMae(): { round: number; mae: number } | null {
  for (const l of [...lines].reverse()) if (l.type === 'progress' && typeof l.validMae === 'number') return { round: l.round, mae: l.validMae };
  return null;
}

const rejectsWith = (p: Promise<unknown>, code: string, re: RegExp) =>
  assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof AppError, `expected an AppError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    assert.match(err.message, re);
    return true;
  });

describe('trainXgboost on a small simulated set', () => {
  before(async () => {
    data = splitByTime([...byKey.values()], { horizon: 4, holdoutWeeks: 8 });
    trained = await trainXgboost({ train: data.train, holdout: data.holdout, params: fast, onLog: (l) => lines.push(l) });
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it('streams progress and passes the ONNX parity check', () => {
    assert.ok(lines.some((l) => l.type === 'progress'), 'progress lines');
    assert.ok(lines.some((l) => l.type === 'done'), 'done line');
    assert.equal(trained.parity.rows, data.holdout.rows);
    assert.ok(trained.parity.maxAbsDiff <= 1e-4, `max diff ${trained.parity.maxAbsDiff}`);
    assert.match(trained.sha256, /^[0-9a-f]{64}$/);
    assert.ok(trained.bestIteration >= 0 && trained.bestIteration < fast.rounds);
  });

  it('records per-round train and validation curves that agree with early stopping, and the gain per feature name', () => {
    const c = trained.curves;
    assert.equal(c.metric, 'mae');
    assert.equal(c.bestRound, trained.bestIteration + 1);
    assert.ok(c.totalRounds >= c.bestRound && c.totalRounds <= fast.rounds, `${c.totalRounds} rounds`);
    assert.deepEqual(c.rounds, Array.from({ length: c.totalRounds }, (_, i) => i + 1), 'every round kept under the bound');
    assert.equal(c.train.length, c.totalRounds);
    assert.equal(c.valid.length, c.totalRounds);
    // training error falls over the rounds; the best round is where validation error is lowest
    assert.ok(c.train.at(-1)! < c.train[0]!, `train ${c.train[0]} -> ${c.train.at(-1)}`);
    assert.equal(c.valid[c.bestRound - 1], Math.min(...c.valid));
    const last = progressMae();
    if (last) assert.ok(Math.abs(c.valid[last.round - 1]! - last.mae) < 1e-9, 'the curve holds the MAE the progress lines streamed');
    const names = new Set(data.train.names);
    assert.ok(trained.importance.length > 5, `${trained.importance.length} features with splits`);
    for (const f of trained.importance) assert.ok(names.has(f.feature), `${f.feature} is a feature name`);
    const gains = trained.importance.map((f) => f.gain);
    assert.deepEqual(gains, [...gains].sort((a, b) => b - a), 'highest gain first');
    assert.ok(trained.importance.every((f) => f.splits >= 1));
  });

  it('beats seasonal-naive and last-value on the holdout, on the same points', () => {
    const b = baselineForecasts(byKey, data.holdout.meta);
    const c = compareOnSamePoints(data.holdout.actual, data.holdout.meta.isHoliday, {
      model: trained.predictions,
      seasonalNaive: b.seasonalNaive,
      lastValue: b.lastValue,
    });
    assert.ok(c.n > data.holdout.rows * 0.8, `scored ${c.n} of ${data.holdout.rows}`);
    const { model, seasonalNaive, lastValue } = c.metrics;
    assert.ok(model!.wape < seasonalNaive!.wape, `model ${model!.wape} vs seasonal-naive ${seasonalNaive!.wape}`);
    assert.ok(model!.wape < lastValue!.wape, `model ${model!.wape} vs last-value ${lastValue!.wape}`);
  });

  it('serving path: OnnxModel over an online feature vector gives the same forecast', async () => {
    const model = await OnnxModel.load(trained.onnx);
    await model.warm();
    const r = data.holdout.rows - 1;
    const s = byKey.get(`${data.holdout.meta.store[r]}:${data.holdout.meta.dept[r]}`)!;
    const v = featureVector(s, isoOfDay(data.holdout.meta.day[r]!), data.holdout.meta.horizon[r]!);
    assert.deepEqual([...v], [...data.holdout.X.subarray(r * data.holdout.cols, (r + 1) * data.holdout.cols)]);
    const [z] = await model.predict(v, 1);
    // Same vector, same trees; only the float32 summation order may differ with the thread count.
    const expected = trained.predictions[r]!;
    assert.ok(Math.abs(inverseTarget(z!, v) - expected) <= 1e-6 * Math.abs(expected), `${inverseTarget(z!, v)} vs ${expected}`);
    const batch = await model.predict(data.holdout.X);
    assert.equal(batch.length, data.holdout.rows);
    await model.close();
  });

  it('returns the early-stopping rows with their metadata and the ONNX forecasts for them in sales units', async () => {
    const v = trained.validation!;
    const { valid } = earlyStoppingSplit(data.train, DEFAULT_VALID_WEEKS);
    assert.ok(v.rows.rows > 0);
    assert.equal(new Set(v.rows.meta.day).size, DEFAULT_VALID_WEEKS, 'the last 6 target weeks');
    assert.deepEqual(v.rows.meta, valid.meta);
    assert.deepEqual(v.rows.actual, valid.actual);
    assert.equal(v.predictions.length, v.rows.rows);
    const model = await OnnxModel.load(trained.onnx);
    const expected = inverseTargets(await model.predict(v.rows.X, v.rows.rows), v.rows.X);
    await model.close();
    // only the float32 summation order may differ with the thread count
    v.predictions.forEach((p, i) => assert.ok(Math.abs(p - expected[i]!) <= 1e-6 * Math.max(1, Math.abs(expected[i]!)), `row ${i}: ${p} vs ${expected[i]}`));
  });

  it('a corrupted ONNX file is refused with ONNX_LOAD', async () => {
    const bad = Buffer.from(trained.onnx);
    bad.fill(0x5a, 16, 4096);
    await rejectsWith(OnnxModel.load(bad), 'ONNX_LOAD', /cannot be loaded/);
    const script = fakeScript('garbage.py', [
      "open(os.path.join(base, 'model.onnx'), 'wb').write(b'not an onnx model')",
      `json.dump({'bestIteration': 0, 'holdoutPredictions': [0.0] * m['holdout']['rows'], ${ONE_ROUND}}, open(os.path.join(base, 'result.json'), 'w'))`,
    ].join('\n'));
    await rejectsWith(trainXgboost({ train: data.train, holdout: data.holdout, script }), 'ONNX_LOAD', /cannot be loaded/);
  });

  it('an ONNX that disagrees with XGBoost fails PARITY', async () => {
    const real = join(tmp, 'real.onnx');
    writeFileSync(real, trained.onnx);
    const script = fakeScript('drift.py', [
      `shutil.copy(${JSON.stringify(real)}, os.path.join(base, 'model.onnx'))`,
      `json.dump({'bestIteration': 0, 'holdoutPredictions': [0.5] * m['holdout']['rows'], ${ONE_ROUND}}, open(os.path.join(base, 'result.json'), 'w'))`,
    ].join('\n'));
    await rejectsWith(trainXgboost({ train: data.train, holdout: data.holdout, script }), 'PARITY', /disagrees with XGBoost/);
  });

  it('a failing python step surfaces its JSON error and exit code', async () => {
    const script = fakeScript('boom.py', 'print(json.dumps({"type": "error", "code": "TRAIN", "msg": "out of memory (simulated)"}))\nsys.exit(3)');
    await rejectsWith(trainXgboost({ train: data.train, holdout: data.holdout, script }), 'TRAIN_FAILED', /exited with 3: TRAIN: out of memory \(simulated\)/);
  });

  it('a hung python step is killed at the timeout', async () => {
    const script = fakeScript('hang.py', 'import time\ntime.sleep(30)');
    await rejectsWith(trainXgboost({ train: data.train, holdout: data.holdout, script, timeoutMs: 500 }), 'TRAIN_TIMEOUT', /killed after 500 ms/);
  });

  it('a missing interpreter is a DEPENDENCY error that says how to fix it', async () => {
    await rejectsWith(trainXgboost({ train: data.train, holdout: data.holdout, python: join(tmp, 'no-python') }), 'DEPENDENCY', /venv/);
  });

  it('train.py rejects a truncated matrix with exit 2 and a JSON error line', () => {
    writeFileSync(join(tmp, 'X.f32'), Buffer.alloc(4 * 10));
    writeFileSync(join(tmp, 'y.f32'), Buffer.alloc(4 * 3));
    writeFileSync(join(tmp, 'bad.json'), JSON.stringify({
      cols: 4, featureNames: ['a', 'b', 'c', 'd'], train: { rows: 3, X: 'X.f32', y: 'y.f32', w: 'y.f32' },
    }));
    const p = spawnSync(DEFAULT_PYTHON, [TRAIN_SCRIPT, join(tmp, 'bad.json')], { encoding: 'utf8' });
    assert.equal(p.status, 2, p.stderr);
    const last = JSON.parse(p.stdout.trim().split('\n').pop()!) as { type: string; code: string; msg: string };
    assert.equal(last.type, 'error');
    assert.equal(last.code, 'BAD_INPUT');
    assert.match(last.msg, /train\.X: .* 40 bytes, expected 48/);
  });
});
