/**
 * Drives the Python step: writes the matrices as raw float32 files plus a
 * manifest, runs trainer/python/train.py in the project venv, streams its JSON
 * lines, then proves the exported ONNX scores the holdout exactly as XGBoost
 * did before anyone may use it. Python is a child process on purpose: XGBoost's
 * reference implementation and its ONNX converter live there, and a crash in
 * native code takes down the child, not the trainer.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { endianness, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppError, DependencyError, ValidationError, messageOf } from '../../lib/errors.js';
import { inverseTargets, type TrainingMatrix } from '../../domain/features/features.js';
import { OnnxModel } from '../../domain/model/io/onnx-model.js';
import { boundCurves, validateImportance, type RawCurves } from '../../domain/training/curves.js';
import type { FeatureGain, TrainingCurves } from '../../schemas/types.js';
import { earlyStoppingSplit } from './dataset.js';

const HERE = dirname(fileURLToPath(import.meta.url));
/** trainer/python/train.py. */
export const TRAIN_SCRIPT = join(HERE, '..', 'python', 'train.py');
/** The venv python the project's setup creates, relative to the repo root. */
export const DEFAULT_PYTHON = resolve(HERE, '..', '..', '.stack', 'venv', 'bin', 'python');
/** Target weeks at the end of the training rows held out for early stopping unless told otherwise. */
export const DEFAULT_VALID_WEEKS = 6;

export type { XgbParams, TrainerLine } from '../../domain/training/params.js';
import type { XgbParams, TrainerLine } from '../../domain/training/params.js';

export interface TrainOptions {
  /** Rows to learn from; its last `validWeeks` target weeks become the early-stopping set. */
  train: TrainingMatrix;
  /** Rows to score and check ONNX parity on (usually the holdout weeks). */
  holdout: TrainingMatrix;
  /** Target weeks at the end of `train` held out for early stopping (by time, never random). Default 6; 0 = none. */
  validWeeks?: number;
  /**
   * Only rows whose target is within this many weeks of the last training target
   * are used (validation weeks included). Default 0 = all rows: the matrix
   * builders already apply the window policy (domain/training/window.ts).
   */
  maxTrainWeeks?: number;
  params?: XgbParams;
  /** Python interpreter; default .stack/venv/bin/python. */
  python?: string;
  /** Script to run; default trainer/python/train.py (tests substitute a failing one). */
  script?: string;
  onLog?: (line: TrainerLine) => void;
  /** Parity bound: |onnx - xgb| <= parityTolerance * max(1, |xgb|) on model outputs. Default 1e-3. */
  parityTolerance?: number;
  /** Kill python after this long; default 10 minutes. */
  timeoutMs?: number;
  /** Keep the work dir (matrices, manifest, model) for debugging. Default false. */
  keepWorkDir?: boolean;
}

export interface TrainResult {
  onnx: Buffer;
  sha256: string;
  /** Holdout forecasts in sales units (inverse target transform applied), from the ONNX model. */
  predictions: Float64Array;
  /**
   * The early-stopping rows (the last `validWeeks` target weeks of `train`, full
   * metadata) and the ONNX model's forecasts for them in sales units;
   * undefined when there are none. Not trained on, but they chose the
   * stopping round.
   */
  validation: { rows: TrainingMatrix; predictions: Float64Array } | undefined;
  bestIteration: number;
  /** The metric per round on the training and validation sets, thinned to at most CURVE_POINTS rounds. */
  curves: TrainingCurves;
  /** Gain per feature name over the kept trees, highest first. */
  importance: FeatureGain[];
  parity: { rows: number; maxAbsDiff: number };
  /** Milliseconds: write, python (with its own load/train/predict/export), parity, total. */
  timings: Record<string, number>;
  workDir: string;
}

/** Trains, exports and parity-checks one model. Throws AppError: TRAIN_INPUT, TRAIN_FAILED, TRAIN_TIMEOUT, EXPORT_FAILED, ONNX_LOAD, PARITY; DependencyError when python or its packages are missing. */
export async function trainXgboost(opts: TrainOptions): Promise<TrainResult> {
  if (endianness() !== 'LE') throw new AppError('TRAIN_INPUT', 'raw float32 files are little-endian; this host is not');
  const { train, holdout } = opts;
  if (train.cols !== holdout.cols) throw new ValidationError('holdout.cols', `${train.cols} (as train)`, holdout.cols);
  if (train.rows === 0) throw new ValidationError('train.rows', 'at least one row', 0);
  const t0 = performance.now();
  const workDir = await mkdtemp(join(tmpdir(), 'xgb-'));
  try {
    const va = await writeInputs(workDir, opts);
    const t1 = performance.now();

    await runPython(opts.python ?? DEFAULT_PYTHON, opts.script ?? TRAIN_SCRIPT, join(workDir, 'manifest.json'), opts);
    const t2 = performance.now();

    const onnx = await readFile(join(workDir, 'model.onnx')).catch((err: unknown) => {
      throw new AppError('EXPORT_FAILED', `train.py finished but wrote no model.onnx: ${messageOf(err)}`, { cause: err });
    });
    const result = parseResult(await readFile(join(workDir, 'result.json'), 'utf8').catch(() => ''), holdout.rows);
    const model = await OnnxModel.load(onnx, { cols: train.cols, threads: 2 });
    let z: Float32Array;
    let zValid: Float32Array | undefined;
    try {
      z = await model.predict(holdout.X, holdout.rows);
      if (va.rows > 0) zValid = await model.predict(va.X, va.rows);
    } finally {
      await model.close();
    }
    const parity = checkParity(z, result.holdoutPredictions, opts.parityTolerance ?? 1e-3, model.sha256);
    const t3 = performance.now();
    return {
      onnx,
      sha256: model.sha256,
      predictions: inverseTargets(z, holdout.X),
      validation: zValid ? { rows: va, predictions: inverseTargets(zValid, va.X) } : undefined,
      bestIteration: result.bestIteration,
      curves: result.curves,
      importance: result.importance,
      parity,
      timings: {
        writeMs: t1 - t0,
        pythonMs: t2 - t1,
        ...prefixed('python', result.timings),
        parityMs: t3 - t2,
        totalMs: t3 - t0,
      },
      workDir,
    };
  } finally {
    if (!opts.keepWorkDir) await rm(workDir, { recursive: true, force: true });
  }
}

/** Writes what train.py reads into `workDir`: the fit, early-stopping and holdout matrices as raw float32 files, and the manifest naming them; returns the early-stopping rows. */
async function writeInputs(workDir: string, opts: TrainOptions): Promise<TrainingMatrix> {
  const { train, holdout } = opts;
  const validWeeks = opts.validWeeks ?? DEFAULT_VALID_WEEKS;
  const { fit: tr, valid: va } = earlyStoppingSplit(train, validWeeks, opts.maxTrainWeeks ?? 0);
  const files: Array<[string, Float32Array]> = [
    ['train_X.f32', tr.X], ['train_y.f32', tr.y], ['train_w.f32', tr.w],
    ['valid_X.f32', va.X], ['valid_y.f32', va.y], ['valid_w.f32', va.w],
    ['holdout_X.f32', holdout.X],
  ];
  await Promise.all(files.map(([name, a]) => writeFile(join(workDir, name), Buffer.from(a.buffer, a.byteOffset, a.byteLength))));
  const manifest = {
    cols: train.cols,
    featureNames: train.names,
    train: { rows: tr.rows, X: 'train_X.f32', y: 'train_y.f32', w: 'train_w.f32' },
    ...(va.rows > 0 ? { valid: { rows: va.rows, X: 'valid_X.f32', y: 'valid_y.f32', w: 'valid_w.f32' } } : {}),
    holdout: { rows: holdout.rows, X: 'holdout_X.f32' },
    params: opts.params ?? {},
    output: { model: 'model.onnx', result: 'result.json' },
  };
  await writeFile(join(workDir, 'manifest.json'), JSON.stringify(manifest));
  return va;
}

/** Runs python on the script, streaming JSON lines to onLog; maps its exit code to an AppError. */
function runPython(python: string, script: string, manifest: string, opts: TrainOptions): Promise<void> {
  const onLog = opts.onLog ?? (() => {});
  return new Promise((resolvePromise, reject) => {
    const child = spawn(python, [script, manifest], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PYTHONUNBUFFERED: '1' } });
    let lastError: { code: string; msg: string } | null = null;
    let stderrTail = '';
    let timedOut = false;
    const timeoutMs = opts.timeoutMs ?? 600_000;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    lines(child.stdout, (text) => {
      const line = parseLine(text);
      if (line.type === 'error') lastError = line;
      onLog(line);
    });
    lines(child.stderr, (text) => {
      stderrTail = (stderrTail + text + '\n').slice(-2000);
      onLog({ type: 'stderr', msg: text });
    });
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new DependencyError('python', `cannot start ${python}: ${messageOf(err)} (create the venv: python3 -m venv .stack/venv && .stack/venv/bin/pip install -r trainer/python/requirements.txt)`, err, false));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) return resolvePromise();
      const err = lastError as { code: string; msg: string } | null;
      const why = err ? `${err.code}: ${err.msg}` : stderrTail.trim().split('\n').slice(-3).join(' | ') || 'no output';
      if (timedOut) return reject(new AppError('TRAIN_TIMEOUT', `train.py killed after ${timeoutMs} ms: ${why}`, { retriable: true }));
      const how = signal ? `killed by ${signal}` : `exited with ${code}`;
      if (code === 5) return reject(new DependencyError('python', `train.py ${how}: ${why}`, undefined, false));
      const appCode = code === 2 ? 'TRAIN_INPUT' : code === 4 ? 'EXPORT_FAILED' : 'TRAIN_FAILED';
      reject(new AppError(appCode, `train.py ${how}: ${why}`));
    });
  });
}

/** Calls `fn` for each complete non-empty line of a stream. */
function lines(stream: NodeJS.ReadableStream, fn: (line: string) => void): void {
  let buf = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    buf += chunk;
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl).trim();
      buf = buf.slice(nl + 1);
      if (line) fn(line);
    }
  });
  stream.on('end', () => {
    if (buf.trim()) fn(buf.trim());
  });
}

/** A stdout line as a TrainerLine; anything that is not one of ours is passed on as a log message. */
function parseLine(text: string): TrainerLine {
  try {
    const v = JSON.parse(text) as { type?: unknown };
    if (v && typeof v === 'object' && ['log', 'progress', 'done', 'error'].includes(v.type as string)) return v as TrainerLine;
  } catch {
    // not JSON: a library printed to stdout
  }
  return { type: 'log', msg: text };
}

export interface PyResult {
  bestIteration: number;
  holdoutPredictions: number[];
  curves: TrainingCurves;
  importance: FeatureGain[];
  timings: Record<string, number>;
}

/** Reads train.py's result.json; the curves are thinned (boundCurves), the importance checked. Throws AppError TRAIN_FAILED naming what is wrong. */
export function parseResult(text: string, rows: number): PyResult {
  let v: Partial<Omit<PyResult, 'curves'>> & { curves?: RawCurves };
  try {
    v = JSON.parse(text) as typeof v;
  } catch (err) {
    throw new AppError('TRAIN_FAILED', `train.py wrote no readable result.json: ${messageOf(err)}`, { cause: err });
  }
  if (!Number.isInteger(v.bestIteration) || !Array.isArray(v.holdoutPredictions) || v.holdoutPredictions.length !== rows) {
    throw new AppError('TRAIN_FAILED', `result.json: expected bestIteration and ${rows} holdoutPredictions`);
  }
  const c = v.curves;
  if (!c || typeof c.metric !== 'string' || !Array.isArray(c.train) || !Array.isArray(c.valid) || !c.train.every(Number.isFinite) || !c.valid.every(Number.isFinite)) {
    throw new AppError('TRAIN_FAILED', 'result.json: curves: expected {metric, train: [...], valid: [...], bestRound} with finite values');
  }
  try {
    return { bestIteration: v.bestIteration as number, holdoutPredictions: v.holdoutPredictions, curves: boundCurves(c), importance: validateImportance(v.importance), timings: v.timings ?? {} };
  } catch (err) {
    throw new AppError('TRAIN_FAILED', `result.json: ${messageOf(err)}`, { cause: err });
  }
}

/** Throws AppError 'PARITY' unless ONNX and XGBoost agree on every holdout row. */
function checkParity(onnx: Float32Array, xgb: number[], tol: number, sha: string): { rows: number; maxAbsDiff: number } {
  let maxAbsDiff = 0;
  let worst = -1;
  for (let i = 0; i < onnx.length; i++) {
    const b = xgb[i] as number;
    const d = Math.abs((onnx[i] as number) - b);
    // Written so a NaN difference fails and counts as the largest.
    if (!(d <= maxAbsDiff)) maxAbsDiff = d;
    if (!(d <= tol * Math.max(1, Math.abs(b))) && (worst < 0 || !(d <= Math.abs((onnx[worst] as number) - (xgb[worst] as number))))) worst = i;
  }
  if (worst >= 0) {
    throw new AppError('PARITY', `ONNX model ${sha.slice(0, 12)} disagrees with XGBoost on the holdout: row ${worst} onnx=${onnx[worst]} xgboost=${xgb[worst]} (max |diff| ${maxAbsDiff}, tolerance ${tol} x max(1,|y|))`);
  }
  return { rows: onnx.length, maxAbsDiff };
}

function prefixed(prefix: string, t: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(t)) if (typeof v === 'number') out[`${prefix}${k[0]!.toUpperCase()}${k.slice(1)}`] = v;
  return out;
}
