/**
 * Predict latency and throughput of the gateway, against the same model in a
 * minimal handler (plain node:http, the same online features and ONNX
 * session, no framework): the difference is the gateway's own overhead
 * (Koa, routing, validation, auth, metrics, leases). Load comes from a
 * second process on loopback (bench/load-client.ts).
 *
 * Runs against the live stack with its own topics: a generated history, a
 * real XGBoost model (150 trees, depth 6, no early stop) published and
 * promoted like the trainer does. `npx tsx bench/predict.ts [--duration s]
 * [--only batch] [--target gateway] [--rate 1000] [--concurrency 8]`, or
 * `benchPredict(cfg)` from the bench runner.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadConfig, type Config } from '../lib/config.js';
import { setLogLevel } from '../lib/log.js';
import { addWeeks } from '../lib/weeks.js';
import { FEATURE_COUNT, featureVector, inverseTarget } from '../domain/features/features.js';
import { OnnxModel } from '../domain/model/onnx-model.js';
import { startGateway, type Gateway } from '../gateway/server.js';
import type { SeriesStore } from '../gateway/state/series-store.js';
import type { PredictItem } from '../gateway/api/schemas.js';
import { scoreRows } from '../gateway/predict/predictor.js';
import { resolveItem } from '../gateway/predict/resolve.js';
import { publishModel, setUp, trainModel } from '../gateway/test/fixture.js';
import type { LoadJob, LoadResult } from './load-client.js';

const HERE = dirname(fileURLToPath(import.meta.url));
/** 10 stores x 20 depts x 143 weeks: the full Walmart span on a slice of the series (hot-path cost does not grow with series). */
const SIM = { seed: 42, stores: 10, depts: 20, startWeek: '2010-02-05', weeks: 143 };

export interface BenchOptions {
  durationMs?: number;
  warmupMs?: number;
  /** Open-loop rate for the single-item latency run (target: p99 < 10 ms at 1,000/s). */
  rate?: number;
  concurrency?: number;
  batchSize?: number;
  /** Only the workloads whose name contains this text (e.g. "batch"). */
  only?: string;
  /** Only these targets (default both). */
  targets?: ('gateway' | 'baseline')[];
  /** Print the slowest requests of each run (when they happened) to stderr. */
  verbose?: boolean;
}

/** The minimal baseline: node:http, JSON in and out, the same features and model, nothing else. */
function baseline(store: SeriesStore, model: OnnxModel): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString()) as { store: number; dept: number; week: string } | { items: { store: number; dept: number; week: string }[] };
      const items = 'items' in body ? body.items : [body];
      const X = new Float32Array(items.length * FEATURE_COUNT);
      items.forEach((it, i) => {
        const h = store.get(it.store, it.dept);
        const t = h.indexOf(it.week);
        X.set(featureVector(h, it.week, t - Math.min(h.length - 1, t - 1)), i * FEATURE_COUNT);
      });
      model.predict(X, items.length).then((z) => {
        const out = items.map((it, i) => ({ ...it, forecast: inverseTarget(z[i]!, X, i * FEATURE_COUNT) }));
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify('items' in body ? { predictions: out } : out[0]));
      });
    });
  });
  server.keepAliveTimeout = 65_000;
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server })));
}

function client(): ChildProcess {
  return fork(join(HERE, 'load-client.ts'), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
}

/** Event-loop delay and GC pauses of this (the server) process while `fn` runs: the usual causes of tail latency. */
async function observed<T>(fn: () => Promise<T>): Promise<{ value: T; loopMaxMs: number; loopP99Ms: number; gcMaxMs: number; gcTotalMs: number; cpuMs: number }> {
  const cpu0 = process.cpuUsage();
  const loop = monitorEventLoopDelay({ resolution: 5 });
  let gcMaxMs = 0;
  let gcTotalMs = 0;
  const gc = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      gcTotalMs += e.duration;
      gcMaxMs = Math.max(gcMaxMs, e.duration);
    }
  });
  gc.observe({ entryTypes: ['gc'] });
  loop.enable();
  try {
    const value = await fn();
    const cpu = process.cpuUsage(cpu0);
    return { value, loopMaxMs: loop.max / 1e6, loopP99Ms: loop.percentile(99) / 1e6, gcMaxMs, gcTotalMs, cpuMs: (cpu.user + cpu.system) / 1000 };
  } finally {
    loop.disable();
    gc.disconnect();
  }
}

function load(child: ChildProcess, job: LoadJob): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    child.once('message', (m: { ok: boolean; result?: LoadResult; error?: string }) => (m.ok ? resolve(m.result!) : reject(new Error(m.error))));
    child.send(job);
  });
}

/** Runs the benchmark; returns one row per (target, workload). */
export async function benchPredict(base: Readonly<Config>, opts: BenchOptions = {}): Promise<Record<string, string | number>[]> {
  const durationMs = opts.durationMs ?? 10_000;
  const warmupMs = opts.warmupMs ?? 2_000;
  const rate = opts.rate ?? 1000;
  const concurrency = opts.concurrency ?? 8;
  const batchSize = opts.batchSize ?? 100;
  const verbose = opts.verbose ?? false;
  const f = await setUp('bench', { sim: SIM, patch: (d) => (d.gateway.maxBatch = Math.max(1000, batchSize)) });
  let gw: Gateway | null = null;
  let base2: { server: Server } | null = null;
  let model: OnnxModel | null = null;
  const child = client();
  try {
    const onnx = await trainModel(f.series, { rounds: 150, maxDepth: 6, eta: 0.15, earlyStopping: 0 });
    await publishModel(f, 1, onnx);
    gw = await startGateway(f.cfg);
    model = await OnnxModel.load(onnx, { cols: FEATURE_COUNT, threads: 1 });
    await model.warm();
    const b = await baseline(gw.store, model);
    base2 = b;

    // items: every series, next week (h = 1) and a known week in the last year (h = 1)
    const items: { store: number; dept: number; week: string }[] = [];
    for (const h of gw.store.all()) {
      const last = h.weekAt(h.length - 1);
      items.push({ store: h.store, dept: h.dept, week: addWeeks(last, 1) });
      if (h.length > 60) items.push({ store: h.store, dept: h.dept, week: addWeeks(last, -20) });
    }
    const singles = items.slice(0, 500).map((it) => JSON.stringify(it));
    const batches = Array.from({ length: 20 }, (_, k) => JSON.stringify({ items: Array.from({ length: batchSize }, (_, i) => items[(k * batchSize + i) % items.length]) }));

    const rows: Record<string, string | number>[] = [];
    const targets = ([
      ['gateway', gw.url],
      ['baseline', b.url],
    ] as [string, string][]).filter(([name]) => !opts.targets || opts.targets.includes(name as 'gateway' | 'baseline'));
    const workloads: { name: string; job: Omit<LoadJob, 'url'>; rowsPerRequest: number }[] = [
      { name: `single, open loop ${rate}/s`, job: { path: '/v1/predict', bodies: singles, mode: 'open', rate, concurrency: 64, durationMs, warmupMs }, rowsPerRequest: 1 },
      { name: `single, ${concurrency} concurrent`, job: { path: '/v1/predict', bodies: singles, mode: 'closed', concurrency, durationMs, warmupMs }, rowsPerRequest: 1 },
      { name: `batch of ${batchSize}, ${concurrency} concurrent`, job: { path: '/v1/predict', bodies: batches, mode: 'closed', concurrency, durationMs, warmupMs }, rowsPerRequest: batchSize },
    ];
    for (const w of workloads.filter((x) => !opts.only || x.name.includes(opts.only))) {
      const byTarget: Record<string, LoadResult> = {};
      for (const [name, url] of targets) {
        const o = await observed(() => load(child, { ...w.job, url }));
        const r = o.value;
        byTarget[name] = r;
        if (verbose) console.error(`${w.name} ${name}: slowest [s, ms] ${JSON.stringify(r.slowest)}`);
        rows.push({
          workload: w.name,
          target: name,
          requests: r.requests,
          errors: r.errors,
          'req/s': Math.round(r.rps),
          'rows/s': Math.round(r.rps * w.rowsPerRequest),
          'p50 ms': +r.p50.toFixed(2),
          'p90 ms': +r.p90.toFixed(2),
          'p99 ms': +r.p99.toFixed(2),
          'max ms': +r.max.toFixed(1),
          // CPU time is what contention cannot inflate: the fairest per-request cost on a shared machine
          'server CPU µs/req': Math.round((o.cpuMs * 1000) / Math.max(1, r.requests * (1 + w.job.warmupMs / w.job.durationMs))),
          'server loop delay p99/max ms': `${o.loopP99Ms.toFixed(1)}/${o.loopMaxMs.toFixed(1)}`,
          'server GC max/total ms': `${o.gcMaxMs.toFixed(1)}/${Math.round(o.gcTotalMs)}`,
          ...(r.firstError ? { 'first error': r.firstError } : {}),
        });
      }
      const g = byTarget.gateway;
      const bl = byTarget.baseline;
      const cpuOf = (t: string) => Number(rows.find((x) => x.workload === w.name && x.target === t)?.['server CPU µs/req']);
      if (g && bl) rows.push({
        workload: w.name,
        target: 'overhead (gateway / baseline)',
        'server CPU µs/req': +(cpuOf('gateway') / cpuOf('baseline')).toFixed(2),
        'req/s': +(g.rps / bl.rps).toFixed(2),
        'p50 ms': +(g.p50 / bl.p50).toFixed(2),
        'p99 ms': +(g.p99 / bl.p99).toFixed(2),
      });
    }
    // the compute floor: the gateway's own resolve + features + ONNX for batches, in this process, no HTTP or JSON
    if (!opts.only || 'in-process'.includes(opts.only)) {
      const lease = gw.holder.lease()!;
      try {
        const parsed = batches.map((b) => (JSON.parse(b) as { items: PredictItem[] }).items);
        let n = 0;
        const t0 = performance.now();
        const cpu0 = process.cpuUsage();
        while (performance.now() - t0 < Math.min(durationMs, 5000)) {
          const items = parsed[n % parsed.length]!;
          const resolved = items.map((it) => resolveItem(gw!.store, it, lease.model.horizon, lease.model.version));
          await scoreRows(lease.model, resolved);
          n++;
        }
        const secs = (performance.now() - t0) / 1000;
        const cpu = process.cpuUsage(cpu0);
        rows.push({
          workload: `in-process scoring, batch of ${batchSize}`,
          target: 'gateway code, no HTTP',
          requests: n,
          'rows/s': Math.round((n * batchSize) / secs),
          'server CPU µs/req': Math.round((cpu.user + cpu.system) / n),
        });
      } finally {
        lease.release();
      }
    }
    return rows;
  } finally {
    child.kill();
    await gw?.close();
    base2?.server.close();
    await model?.close();
    await f.cleanup();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  // strict: false because the bench runner passes every benchmark the same arguments
  const { values } = parseArgs({
    strict: false,
    options: { verbose: { type: 'boolean' }, duration: { type: 'string' }, only: { type: 'string' }, target: { type: 'string', multiple: true }, rate: { type: 'string' }, concurrency: { type: 'string' } },
  });
  setLogLevel('warn');
  const cfg = loadConfig();
  benchPredict(cfg, {
    verbose: values.verbose === true,
    ...(values.duration ? { durationMs: Number(values.duration) * 1000 } : {}),
    ...(typeof values.only === 'string' ? { only: values.only } : {}),
    ...(values.target ? { targets: values.target as ('gateway' | 'baseline')[] } : {}),
    ...(values.rate ? { rate: Number(values.rate) } : {}),
    ...(values.concurrency ? { concurrency: Number(values.concurrency) } : {}),
  }).then(
    (rows) => {
      console.table(rows);
      process.exit(0);
    },
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
