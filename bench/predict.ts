/**
 * Predict latency and throughput of the gateway, side by side in one run
 * with a bare node:http JSON echo server (the ceiling of a Node JSON
 * service here) and the classic stack's FastAPI + xgboost server fed ready
 * features (bench/python/reference_server.py, the same tree shape). Load
 * comes from a second process on loopback (bench/load-client.ts).
 *
 * Runs against the live stack with its own topics: a generated history, a
 * real XGBoost model (150 trees, depth 6, no early stop) published and
 * promoted like the trainer does; the gateway publishes its forecasts
 * before anything is measured. `npx tsx bench/predict.ts [--duration s]
 * [--only batch] [--target gateway] [--rate 1000] [--concurrency 8]`, or
 * `benchPredict(cfg)` from the bench runner.
 */
import type { ChildProcess } from 'node:child_process';
import { parseArgs } from 'node:util';
import { loadConfig, type Config } from '../lib/config.js';
import { setLogLevel } from '../lib/log.js';
import { deadPort, eventually } from '../lib/testing.js';
import { buildTrainingMatrix, type SeriesHistory } from '../domain/features/features.js';
import { startGateway, type Gateway } from '../gateway/server.js';
import type { PredictItem } from '../gateway/api/schemas.js';
import { scoreRows } from '../gateway/predict/predictor.js';
import { resolveItem } from '../gateway/predict/resolve.js';
import { publishModel, setUp, trainModel, type Fixture } from '../gateway/test/fixture.js';
import type { LoadJob } from './load-client.js';
import { benchBodies, type Bodies } from './predict/bodies.js';
import { load, loadClient, observed } from './predict/observe.js';
import { echoServer, referenceServer, type Target, type TreeShape } from './predict/targets.js';

/** 10 stores x 20 depts x 143 weeks: the full Walmart span on a slice of the series (hot-path cost does not grow with series). */
const SIM = { seed: 42, stores: 10, depts: 20, startWeek: '2010-02-05', weeks: 143 };
const SHAPE: TreeShape = { rounds: 150, maxDepth: 6, eta: 0.15 };
const H = 4;

export type TargetName = 'gateway' | 'echo' | 'reference';
export type Row = Record<string, string | number>;

export interface BenchOptions {
  durationMs?: number;
  warmupMs?: number;
  /** Open-loop rate for the single-item latency run (target: p99 <= 5 ms at 1,000/s). */
  rate?: number;
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
}
type Options = Required<Omit<BenchOptions, 'only' | 'targets'>> & Pick<BenchOptions, 'only' | 'targets'>;
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
  const shape = o.small ? SMALL.shape : SHAPE;
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

interface Workload {
  name: string;
  job: Omit<LoadJob, 'url' | 'path' | 'bodies'>;
  rowsPerRequest: number;
  /** Path and bodies per target that runs it. */
  per: Partial<Record<TargetName, { path: string; bodies: string[] }>>;
}

function workloads(b: Bodies, o: Options): Workload[] {
  const base = { durationMs: o.durationMs, warmupMs: o.warmupMs };
  const single = { gateway: { path: '/v1/predict', bodies: b.single }, echo: { path: '/', bodies: b.single }, reference: { path: '/predict', bodies: b.refSingle } };
  return [
    { name: `single, open loop ${o.rate}/s`, job: { ...base, mode: 'open', rate: o.rate, concurrency: 64 }, rowsPerRequest: 1, per: single },
    { name: `single, ${o.concurrency} concurrent`, job: { ...base, mode: 'closed', concurrency: o.concurrency }, rowsPerRequest: 1, per: single },
    {
      name: `batch of ${o.batchSize}, ${o.concurrency} concurrent`,
      job: { ...base, mode: 'closed', concurrency: o.concurrency },
      rowsPerRequest: o.batchSize,
      per: { gateway: { path: '/v1/predict', bodies: b.batch }, echo: { path: '/', bodies: b.batch }, reference: { path: '/predict', bodies: b.refBatch } },
    },
    {
      name: `batch of ${o.batchSize} computed (past origins), ${o.concurrency} concurrent`,
      job: { ...base, mode: 'closed', concurrency: o.concurrency },
      rowsPerRequest: o.batchSize,
      per: { gateway: { path: '/v1/predict', bodies: b.computedBatch } },
    },
  ];
}

/** One target's rounds of a workload, merged: throughput over all of them, the median round's percentiles, the worst max. */
interface Merged {
  requests: number;
  errors: number;
  firstError: string | null;
  seconds: number;
  p50: number[];
  p99: number[];
  max: number;
  cpuMs: number;
  measuredMs: number;
  loopP99Ms: number;
  loopMaxMs: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)] ?? Number.NaN;

/**
 * Runs every selected workload against every selected target, in rounds
 * that alternate between the targets (gateway, echo, reference, gateway,
 * ...), so a burst of load from other jobs on the machine falls on all of
 * them alike instead of on whichever ran then; one row per target.
 */
async function runWorkloads(env: Env, o: Options): Promise<Row[]> {
  const rows: Row[] = [];
  for (const w of workloads(env.bodies, o).filter((x) => !o.only || x.name.includes(o.only))) {
    const targets = (Object.entries(w.per) as [TargetName, { path: string; bodies: string[] }][]).filter(([name]) => env.servers[name]);
    const merged = new Map<TargetName, Merged>(targets.map(([n]) => [n, { requests: 0, errors: 0, firstError: null, seconds: 0, p50: [], p99: [], max: 0, cpuMs: 0, measuredMs: 0, loopP99Ms: 0, loopMaxMs: 0 }]));
    for (let round = 0; round < o.rounds; round++) {
      for (const [name, pb] of targets) {
        const job = { ...w.job, durationMs: w.job.durationMs / o.rounds, warmupMs: round === 0 ? w.job.warmupMs : Math.min(200, w.job.warmupMs) };
        const obs = await observed(() => load(env.child, { ...job, url: env.servers[name]!.url, path: pb.path, bodies: pb.bodies }));
        const r = obs.value;
        const m = merged.get(name)!;
        if (o.verbose) console.error(`${w.name} ${name} round ${round}: slowest [s, ms] ${JSON.stringify(r.slowest)}`);
        Object.assign(m, { requests: m.requests + r.requests, errors: m.errors + r.errors, firstError: m.firstError ?? r.firstError, seconds: m.seconds + r.seconds, max: Math.max(m.max, r.max) });
        m.p50.push(r.p50);
        m.p99.push(r.p99);
        m.cpuMs += obs.cpuMs;
        m.measuredMs += job.durationMs + job.warmupMs;
        m.loopP99Ms = Math.max(m.loopP99Ms, obs.loopP99Ms);
        m.loopMaxMs = Math.max(m.loopMaxMs, obs.loopMaxMs);
      }
    }
    for (const [name, m] of merged) rows.push(rowOf(w, name, m));
  }
  return rows;
}

/** The printed row of one target's merged rounds; the server CPU column is this process's (the gateway, the echo). */
function rowOf(w: Workload, name: TargetName, m: Merged): Row {
  const rps = m.requests / m.seconds;
  const inProcess = name !== 'reference';
  return {
    workload: w.name,
    target: name,
    requests: m.requests,
    errors: m.errors,
    'req/s': Math.round(rps),
    'rows/s': Math.round(rps * w.rowsPerRequest),
    'p50 ms': +median(m.p50).toFixed(2),
    'p99 ms': +median(m.p99).toFixed(2),
    'max ms': +m.max.toFixed(1),
    // CPU over the requests of the measured window and its warm-up (the load rate is the same in both)
    'server CPU µs/req': inProcess ? Math.round((m.cpuMs * 1000) / Math.max(1, m.requests * (m.measuredMs / (m.seconds * 1000)))) : '-',
    'loop p99/max ms': inProcess ? `${m.loopP99Ms.toFixed(1)}/${m.loopMaxMs.toFixed(1)}` : '-',
    ...(m.firstError ? { 'first error': m.firstError } : {}),
  };
}

/** The compute floor: the gateway's own resolve + features + ONNX + intervals for batches of past origins, in this process, no HTTP or JSON. */
async function inProcess(env: Env, o: Options): Promise<Row> {
  const lease = env.gw.holder.lease()!;
  try {
    const parsed = env.bodies.computedBatch.map((b) => (JSON.parse(b) as { items: PredictItem[] }).items);
    let n = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < Math.min(o.durationMs, 5000)) {
      const items = parsed[n % parsed.length]!;
      await scoreRows(lease.model, items.map((it) => resolveItem(env.gw.store, it, lease.model.horizon, lease.model.version)));
      n++;
    }
    return { workload: `in-process scoring, batch of ${o.batchSize}`, target: 'gateway code, no HTTP', requests: n, 'rows/s': Math.round((n * o.batchSize) / ((performance.now() - t0) / 1000)) };
  } finally {
    lease.release();
  }
}

/** The targets and ratios from the rows of this run. */
export function summary(rows: readonly Row[], o: Pick<Options, 'rate' | 'concurrency' | 'batchSize'>): Row[] {
  const at = (w: string, t: TargetName, k: string) => Number(rows.find((r) => r.workload === w && r.target === t)?.[k] ?? Number.NaN);
  const single = `single, ${o.concurrency} concurrent`;
  const open = `single, open loop ${o.rate}/s`;
  const batch = `batch of ${o.batchSize}, ${o.concurrency} concurrent`;
  const fig = (figure: string, value: number, target: string, met: boolean | null) => ({ figure, value: Number.isFinite(value) ? +value.toFixed(value < 10 ? 2 : 0) : 'n/a', target, met: met === null ? '' : met ? 'met' : 'missed' });
  const ratio = (a: number, b: number) => a / b;
  const r1 = ratio(at(single, 'gateway', 'req/s'), at(single, 'echo', 'req/s'));
  const rows100 = at(batch, 'gateway', 'rows/s');
  const p99 = at(open, 'gateway', 'p99 ms');
  return [
    fig('single item: gateway / node:http JSON echo, req/s', r1, '>= 0.5', Number.isFinite(r1) ? r1 >= 0.5 : null),
    fig(`batches of ${o.batchSize} over HTTP: gateway rows/s`, rows100, '>= 300,000', Number.isFinite(rows100) ? rows100 >= 300_000 : null),
    fig(`p99 at ${o.rate} req/s: gateway ms`, p99, '<= 5', Number.isFinite(p99) ? p99 <= 5 : null),
    fig('single item: CPU per request, echo / gateway (contention-free view)', ratio(at(single, 'echo', 'server CPU µs/req'), at(single, 'gateway', 'server CPU µs/req')), '', null),
    fig('single item: gateway / FastAPI + xgboost, req/s', ratio(at(single, 'gateway', 'req/s'), at(single, 'reference', 'req/s')), '', null),
    fig(`batches of ${o.batchSize}: gateway / FastAPI + xgboost, rows/s`, ratio(rows100, at(batch, 'reference', 'rows/s')), '', null),
    fig(`p99 at ${o.rate} req/s: FastAPI + xgboost ms`, at(open, 'reference', 'p99 ms'), '', null),
  ];
}

/** Runs the benchmark; returns one row per (workload, target), the in-process floor, and the summary of targets. */
export async function benchPredict(_base: Readonly<Config>, opts: BenchOptions = {}): Promise<{ rows: Row[]; summary: Row[] }> {
  const o: Options = { durationMs: 10_000, warmupMs: 2_000, rate: 1000, concurrency: 8, batchSize: 100, verbose: false, small: false, rounds: 4, ...opts };
  const env = await prepare(o);
  try {
    const rows = await runWorkloads(env, o);
    if (!o.only || 'in-process'.includes(o.only)) rows.push(await inProcess(env, o));
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
    options: { verbose: { type: 'boolean' }, duration: { type: 'string' }, only: { type: 'string' }, target: { type: 'string', multiple: true }, rate: { type: 'string' }, concurrency: { type: 'string' } },
  });
  setLogLevel('warn');
  benchPredict(loadConfig(), {
    verbose: values.verbose === true,
    ...(values.duration ? { durationMs: Number(values.duration) * 1000 } : {}),
    ...(typeof values.only === 'string' ? { only: values.only } : {}),
    ...(values.target ? { targets: values.target as TargetName[] } : {}),
    ...(values.rate ? { rate: Number(values.rate) } : {}),
    ...(values.concurrency ? { concurrency: Number(values.concurrency) } : {}),
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
