/**
 * Predict latency and throughput of the gateway, side by side in one run
 * with a bare node:http JSON echo server (the ceiling of a Node JSON
 * service here) and the classic stack's FastAPI + xgboost server fed ready
 * features (bench/python/reference_server.py, the same tree shape), and
 * onnxruntime-node alone on the gateway's own model. Throughput comes from
 * wrk (a native load generator, installed from Debian by
 * stack/install.ts), closed loop; the latency at a set rate from the Node
 * client (bench/load-client.ts), open loop, far below its ceiling at
 * 1,000/s. All load goes to 127.0.0.1 and stops by itself.
 *
 * Runs against the live stack with its own topics: a generated history, a
 * real XGBoost model (150 trees, depth 6, no early stop) published and
 * promoted like the trainer does; the gateway publishes its forecasts
 * before anything is measured. `npx tsx bench/predict.ts [--duration s]
 * [--only batch] [--target gateway] [--rate 1000] [--concurrency 8] [--trees 150]`, or
 * `benchPredict(cfg)` from the bench runner.
 */
import type { ChildProcess } from 'node:child_process';
import { parseArgs } from 'node:util';
import { loadConfig, type Config } from '../lib/config.js';
import { createLogger, setLogLevel } from '../lib/log.js';
import { deadPort, eventually } from '../lib/testing.js';
import { buildTrainingMatrix, type SeriesHistory } from '../domain/features/features.js';
import { startGateway, type Gateway } from '../gateway/server.js';
import type { PredictItem } from '../gateway/api/schemas.js';
import { answerRows, predictResponse } from '../gateway/predict/answer.js';
import { buildMatrix, resolveItem } from '../gateway/predict/resolve.js';
import type { LoadedModel } from '../gateway/model/holder.js';
import { publishModel, setUp, trainModel, type Fixture } from '../gateway/test/fixture.js';
import { installBenchTools } from '../stack/install.js';
import { benchBodies, type Bodies } from './predict/bodies.js';
import { load, loadClient, observed } from './predict/observe.js';
import { addRound, emptyMerged, rowOf, summary, type Merged, type Row } from './predict/report.js';
import { echoServer, referenceServer, type Target, type TreeShape } from './predict/targets.js';
import { runWrk, type WrkResult } from './predict/wrk.js';

export type { Row } from './predict/report.js';

/** 10 stores x 20 depts x 143 weeks: the full Walmart span on a slice of the series (hot-path cost does not grow with series). */
const SIM = { seed: 42, stores: 10, depts: 20, startWeek: '2010-02-05', weeks: 143 };
const SHAPE: TreeShape = { rounds: 150, maxDepth: 6, eta: 0.15 };
const H = 4;

export type TargetName = 'gateway' | 'echo' | 'reference';

export interface BenchOptions {
  durationMs?: number;
  warmupMs?: number;
  /** Open-loop rate for the single-item latency runs (target: p99 <= 3 ms at 1,000/s on both single paths). */
  rate?: number;
  /** wrk's connections in the closed-loop runs. */
  concurrency?: number;
  batchSize?: number;
  /** Only the workloads whose name contains this text (e.g. "batch"). */
  only?: string;
  /** Only these targets (default all). */
  targets?: TargetName[];
  verbose?: boolean;
  /** A small history and model (the test's smoke run: every target and workload, no figures worth reading). */
  small?: boolean;
  /** Rounds each workload is split into, alternating the targets (default 4). */
  rounds?: number;
  /** Trees of the benchmark's model (and the reference's booster); default 150. The model's own speed, and so every computed figure, scales with it. */
  trees?: number;
}
type Options = Required<Omit<BenchOptions, 'only' | 'targets' | 'trees'>> & Pick<BenchOptions, 'only' | 'targets' | 'trees'>;
const SMALL = { sim: { seed: 7, stores: 3, depts: 4, startWeek: '2010-02-05', weeks: 80 }, shape: { rounds: 20, maxDepth: 4, eta: 0.3 } };

interface Env {
  f: Fixture;
  gw: Gateway;
  servers: Partial<Record<TargetName, Target>>;
  bodies: Bodies;
  child: ChildProcess;
}

const wants = (o: Options, t: TargetName) => !o.targets || o.targets.includes(t);

/** The fixture, the model, the gateway with its forecasts published, the other servers and the bodies. */
async function prepare(o: Options): Promise<Env> {
  const shape = o.small ? SMALL.shape : { ...SHAPE, rounds: o.trees ?? SHAPE.rounds };
  const f = await setUp('bench', { sim: o.small ? SMALL.sim : SIM, patch: (d) => (d.gateway.maxBatch = Math.max(1000, o.batchSize)) });
  const child = loadClient();
  const servers: Env['servers'] = {};
  try {
    const onnx = await trainModel(f.series, { rounds: shape.rounds, maxDepth: shape.maxDepth, eta: shape.eta, earlyStopping: 0 });
    // first: the reference's training matrix is garbage once written, and collecting it later would stall the gateway's first measurements
    if (wants(o, 'reference')) servers.reference = await referenceServer(f.cfg.trainer.python, trainingMatrix(f.series), shape, await deadPort());
    if (wants(o, 'echo')) servers.echo = await echoServer();
    await publishModel(f, 1, onnx);
    const gw = await startGateway(f.cfg);
    servers.gateway = { url: gw.url, stop: () => gw.close() };
    const model = gw.holder.current!;
    if (!(await eventually(() => gw.publisher.published > 0 && !gw.publisher.pending(model), 120_000))) throw new Error('the gateway did not publish its forecasts within 120 s');
    return { f, gw, servers, bodies: benchBodies(gw.store, H, o.batchSize), child };
  } catch (err) {
    child.kill();
    await Promise.allSettled(Object.values(servers).map((s) => s.stop()));
    await f.cleanup();
    throw err;
  }
}

/** The rows the benchmark's model was trained on (as trainModel builds them), for the reference's booster. */
function trainingMatrix(series: Map<string, SeriesHistory>) {
  const all = [...series.values()];
  const last = all.map((h) => h.weekAt(h.length - 1)).reduce((a, b) => (b > a ? b : a));
  return buildTrainingMatrix(all, { horizon: H, toWeek: last });
}

/** One measurement of one target: requests (or calls) answered in `seconds`, latencies in ms (wrk's result shape, also for the in-process targets). */
type Sample = WrkResult;

/** A target of a workload: what it is called in the table, and one run of it for `ms` (`warm`: a discarded warm-up first). */
interface Runner {
  target: string;
  server: TargetName;
  /** The server runs in this process (its CPU per request is measurable). */
  inProcess: boolean;
  run(ms: number, warm: boolean): Promise<Sample>;
}

interface Workload {
  name: string;
  rowsPerRequest: number;
  runners: Runner[];
}

/** Closed-loop load from wrk; a warm-up is one discarded second first. */
function wrkRunner(env: Env, o: Options, target: string, server: TargetName, path: string, bodies: string[]): Runner {
  const job = (seconds: number) => ({ url: env.servers[server]!.url, path, bodies, connections: o.concurrency, seconds });
  return {
    target,
    server,
    inProcess: server !== 'reference',
    async run(ms, warm) {
      if (warm && o.warmupMs >= 1000) await runWrk(job(Math.round(o.warmupMs / 1000)));
      return runWrk(job(ms / 1000));
    },
  };
}

/** Open-loop load at `o.rate` from the Node client (far below its ceiling at 1,000/s; wrk has no open loop). */
function openRunner(env: Env, o: Options, target: string, server: TargetName, path: string, bodies: string[]): Runner {
  return {
    target,
    server,
    inProcess: server !== 'reference',
    run: (ms, warm) => load(env.child, { url: env.servers[server]!.url, path, bodies, mode: 'open', rate: o.rate, concurrency: 64, durationMs: ms, warmupMs: warm ? o.warmupMs : Math.min(200, o.warmupMs) }),
  };
}

/** Calls `fn` for `ms` (after `warmMs` of discarded calls); call latencies in ms. */
async function timed(ms: number, warmMs: number, fn: (i: number) => Promise<unknown>): Promise<Sample> {
  let i = 0;
  for (const t = performance.now(); performance.now() - t < warmMs; ) await fn(i++);
  const lat: number[] = [];
  const t0 = performance.now();
  while (performance.now() - t0 < ms) {
    const t = performance.now();
    await fn(i++);
    lat.push(performance.now() - t);
  }
  const seconds = (performance.now() - t0) / 1000;
  const sorted = Float64Array.from(lat).sort();
  const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? Number.NaN;
  return { requests: lat.length, errors: 0, firstError: null, seconds, p50: pct(0.5), p99: pct(0.99), max: sorted[sorted.length - 1] ?? Number.NaN };
}

/**
 * The model's own speed: onnxruntime-node scoring the computed batches'
 * feature matrices (built once, beforehand), one thread, in this process;
 * and the gateway's whole answer to those batches without HTTP (resolve,
 * features, model, intervals, JSON).
 */
function inProcessRunners(env: Env, o: Options): Runner[] {
  const model = env.gw.holder.current!;
  const items = env.bodies.computedBatch.map((b) => (JSON.parse(b) as { items: PredictItem[] }).items);
  const resolve = (its: PredictItem[]) => its.map((it) => resolveItem(env.gw.store, it, model.horizon, model.version));
  const matrices = items.map((its) => buildMatrix(resolve(its)));
  const withLease = async <T>(fn: (m: LoadedModel) => Promise<T>) => {
    const lease = env.gw.holder.lease()!;
    try {
      return await fn(lease.model);
    } finally {
      lease.release();
    }
  };
  const warmMs = (warm: boolean) => (warm ? Math.min(o.warmupMs, 1000) : 0);
  return [
    {
      target: 'onnxruntime-node alone (same model, features ready)',
      server: 'gateway',
      inProcess: false,
      run: (ms, warm) => withLease((m) => timed(ms, warmMs(warm), (i) => m.scorer.score(matrices[i % matrices.length]!, o.batchSize))),
    },
    {
      target: 'gateway code without HTTP (resolve, features, model, intervals, JSON)',
      server: 'gateway',
      inProcess: false,
      run: (ms, warm) =>
        withLease((m) =>
          timed(ms, warmMs(warm), async (i) => predictResponse(m, true, await answerRows(m, env.gw.forecasts, resolve(items[i % items.length]!), (k) => `items.${k}.week`))),
        ),
    },
  ];
}

function workloads(env: Env, o: Options): Workload[] {
  const b = env.bodies;
  const single = (mk: typeof wrkRunner) => [
    mk(env, o, 'echo', 'echo', '/', b.single),
    mk(env, o, 'gateway, cached', 'gateway', '/v1/predict', b.single),
    mk(env, o, 'gateway, computed', 'gateway', '/v1/predict', b.computedSingle),
    mk(env, o, 'FastAPI + xgboost', 'reference', '/predict', b.refSingle),
  ];
  return [
    { name: `single, open loop ${o.rate}/s`, rowsPerRequest: 1, runners: single(openRunner) },
    { name: `single, wrk ${o.concurrency} connections`, rowsPerRequest: 1, runners: single(wrkRunner) },
    {
      name: `batch of ${o.batchSize}, wrk ${o.concurrency} connections`,
      rowsPerRequest: o.batchSize,
      runners: [
        wrkRunner(env, o, 'echo', 'echo', '/', b.batch),
        wrkRunner(env, o, 'gateway, cached', 'gateway', '/v1/predict', b.batch),
        wrkRunner(env, o, 'gateway, computed', 'gateway', '/v1/predict', b.computedBatch),
        wrkRunner(env, o, 'FastAPI + xgboost', 'reference', '/predict', b.refBatch),
        ...inProcessRunners(env, o),
      ],
    },
  ].map((w) => ({ ...w, runners: w.runners.filter((r) => env.servers[r.server]) }));
}

/**
 * Runs every selected workload against every selected target, in rounds
 * that alternate between the targets (echo, cached, computed, reference,
 * echo, ...), so a burst of load from other jobs on the machine falls on all
 * of them alike instead of on whichever ran then; one row per target.
 */
async function runWorkloads(env: Env, o: Options): Promise<Row[]> {
  const rows: Row[] = [];
  for (const w of workloads(env, o).filter((x) => !o.only || x.name.includes(o.only))) {
    const merged = new Map<Runner, Merged>(w.runners.map((r) => [r, emptyMerged()]));
    for (let round = 0; round < o.rounds; round++) {
      for (const runner of w.runners) {
        const obs = await observed(() => runner.run(o.durationMs / o.rounds, round === 0));
        const r = obs.value;
        const m = merged.get(runner)!;
        if (o.verbose) {
          const slowest = 'slowest' in r ? ` slowest [s, ms] ${JSON.stringify(r.slowest)}` : '';
          console.error(`${w.name} / ${runner.target} round ${round}: ${Math.round(r.requests / r.seconds)}/s p99 ${r.p99.toFixed(2)} ms, gc max ${obs.gcMaxMs.toFixed(1)} ms, loop max ${obs.loopMaxMs.toFixed(1)} ms${slowest}`);
        }
        addRound(m, r, obs);
      }
    }
    for (const [runner, m] of merged) rows.push(rowOf(w, runner, m));
  }
  return rows;
}

/** Runs the benchmark; returns one row per (workload, target), the in-process floor, and the summary of targets. */
export async function benchPredict(_base: Readonly<Config>, opts: BenchOptions = {}): Promise<{ rows: Row[]; summary: Row[] }> {
  const o: Options = { durationMs: 12_000, warmupMs: 2_000, rate: 1000, concurrency: 8, batchSize: 100, verbose: false, small: false, rounds: 4, ...opts };
  installBenchTools(createLogger('bench'));
  const env = await prepare(o);
  try {
    const rows = await runWorkloads(env, o);
    return { rows, summary: summary(rows, o) };
  } finally {
    env.child.kill();
    await Promise.allSettled(Object.values(env.servers).map((s) => s.stop()));
    await env.f.cleanup();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  // strict: false because the bench runner passes every benchmark the same arguments
  const { values } = parseArgs({
    strict: false,
    options: { verbose: { type: 'boolean' }, duration: { type: 'string' }, only: { type: 'string' }, target: { type: 'string', multiple: true }, rate: { type: 'string' }, concurrency: { type: 'string' }, trees: { type: 'string' } },
  });
  setLogLevel('warn');
  benchPredict(loadConfig(), {
    verbose: values.verbose === true,
    ...(values.duration ? { durationMs: Number(values.duration) * 1000 } : {}),
    ...(typeof values.only === 'string' ? { only: values.only } : {}),
    ...(values.target ? { targets: values.target as TargetName[] } : {}),
    ...(values.rate ? { rate: Number(values.rate) } : {}),
    ...(values.concurrency ? { concurrency: Number(values.concurrency) } : {}),
    ...(values.trees ? { trees: Number(values.trees) } : {}),
  }).then(
    (r) => {
      console.table(r.rows);
      console.table(r.summary);
      process.exit(0);
    },
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
