/**
 * The scale curve: `npm run bench -- --scale 1,4,16` runs the pipeline at
 * each multiplier of the calibrated simulator's series (x1 = 3,263 series,
 * 401,560 events; stores x N, same 143 weeks) on fresh topics and databases,
 * and prints, per size: backfill (first send -> every row visible, the
 * materializer in its own process), materializer catch-up rows/s (a second
 * materializer from the start of the full topic), training at H = 13 (its
 * own process: time, peak memory, the row budget), the champion's h = 1..13
 * forecasts for all series with the gateway's code, gateway start-up to
 * /readyz (a full fold: a fresh database holds no snapshot; bench/restart.ts
 * times the start from one) and its resident memory, also per series,
 * replay with checksums, and a 13-cut-off backtest. Then each cost's growth against the series count.
 * Options: --scale LIST (default 1,4), --skip backtest,replay,... (names of steps).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConformalIntervals } from '../domain/intervals/conformal.js';
import { fetchArtifact } from '../lib/kafka/artifacts.js';
import { bootstrapContracts } from '../lib/kafka/bootstrap.js';
import { createClickhouse, exec } from '../lib/clickhouse/client.js';
import { loadConfig, withOverrides, type Config } from '../lib/config.js';
import { createKafka } from '../lib/kafka/client.js';
import { createLogger, setLogLevel } from '../lib/log.js';
import { generateHistory, scaledOptions, type GeneratorOptions } from '../domain/simulation/generator.js';
import { SalesProducer } from '../domain/sales/io/producer.js';
import { selectProjections } from '../consumers/replay/projections.js';
import { replay } from '../consumers/replay/replay.js';
import { parseRequest } from '../domain/backtest/request.js';
import { runBacktest } from '../trainer/backtest/run.js';
import { WEB_DIST } from '../gateway/server.js';
import { dropFresh, freshConfig, timedBackfill } from './backfill.js';
import { forecastAllSeries, loadedModel } from './forecast-all.js';
import { freePort } from './free-port.js';
import { rssMb, spawnMaterializer } from './materializer-process.js';

type Row = Record<string, number | string>;
const s1 = (ms: number) => +(ms / 1000).toFixed(1);
const log = createLogger('bench:scale');

/** Step: a second materializer (own group and database) reading the full topic from the start; rows/s. */
async function materializerCatchUp(cfg: Readonly<Config>, prefix: string, events: number): Promise<Row> {
  const second = withOverrides(cfg, (d) => {
    d.clickhouse.database = `${cfg.clickhouse.database}_m2`;
    d.materializer.groupId = `${cfg.materializer.groupId}-2`;
  });
  const ch = createClickhouse(second);
  const t0 = performance.now();
  const m = await spawnMaterializer(second, prefix);
  try {
    for (;;) {
      const r = await ch.query({ query: `SELECT count() AS n FROM ${second.clickhouse.database}.sales_weekly`, format: 'JSONEachRow' }).then((x) => x.json<{ n: string }>()).catch(() => [{ n: '0' }]);
      if (Number(r[0]?.n ?? 0) >= events) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const ms = performance.now() - t0;
    return { 'materializer catch-up s': s1(ms), 'materializer rows/s': Math.round(events / (ms / 1000)), 'materializer peak RSS MB': Math.round(m.peakRssMb()) };
  } finally {
    await m.stop();
    await exec(ch, `DROP DATABASE IF EXISTS ${second.clickhouse.database}`).catch(() => undefined);
    await ch.close();
  }
}

interface TrainFigures {
  wallMs: number;
  nodePeakMb: number;
  pythonPeakMb: number;
  trainRows: number | null;
  candidates: number | null;
  sampleRate: number | null;
  horizon: number;
  version: number | null;
  artifactUri: string;
  intervals: ConformalIntervals | null;
}

/** Step: bench/train.ts in its own process on this size's projection (model topics under the prefix). */
function train(cfg: Readonly<Config>, prefix: string): TrainFigures {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'bench/train.ts', '--database', cfg.clickhouse.database, '--prefix', prefix, '--json'], {
    env: { ...process.env, TRAIN_HORIZON: '13', LOG_LEVEL: 'warn' },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const line = r.stdout.split('\n').find((l) => l.startsWith('TRAIN_JSON '));
  if (r.status !== 0 || !line) throw new Error(`bench/train.ts failed (exit ${r.status}): ${r.stderr.slice(-2000)}`);
  process.stdout.write(r.stdout.replace(/^TRAIN_JSON .*$/m, ''));
  return JSON.parse(line.slice('TRAIN_JSON '.length)) as TrainFigures;
}

function trainRow(t: TrainFigures): Row {
  return {
    'training s (H = 13)': s1(t.wallMs),
    'training peak MB node / python': `${t.nodePeakMb} / ${t.pythonPeakMb}`,
    'training rows / candidates': t.trainRows === null ? '-' : `${t.trainRows} / ${t.candidates} (${((t.sampleRate ?? 1) * 100).toFixed(1)}%)`,
  };
}

/** Step: the champion's h = 1..13 forecasts for all series, in-process with the gateway's predictor. */
async function forecasts(cfg: Readonly<Config>, sim: GeneratorOptions, t: TrainFigures): Promise<Row> {
  const bytes = await fetchArtifact(createKafka(cfg, 'bench-artifact'), t.artifactUri);
  const model = await loadedModel(bytes, t.version ?? 1, t.horizon, t.intervals);
  try {
    const r = await forecastAllSeries(generateHistory({ ...sim, producedAt: 1_700_000_000_000 }), model);
    return { 'forecast all series s (in-process)': s1(r.forecastMs), 'forecasts/s': Math.round(r.forecasts / (r.forecastMs / 1000)), 'gateway state build s (in-process)': s1(r.stateMs) };
  } finally {
    await model.scorer.release();
  }
}

/** Step: the gateway process from spawn to /readyz 200 (state caught up with the log, model loaded), then its RSS. */
async function gatewayStartup(cfg: Readonly<Config>, prefix: string): Promise<Row> {
  const port = await freePort();
  const t0 = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', 'gateway/main.ts'], {
    env: { ...process.env, TOPIC_PREFIX: prefix, CLICKHOUSE_DATABASE: cfg.clickhouse.database, GATEWAY_PORT: String(port), GATEWAY_ACCESS_LOG: 'false', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise<void>((res) => child.once('exit', () => res()));
  try {
    const until = Date.now() + 20 * 60_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`the gateway exited (${child.exitCode}) before it was ready`);
      if (Date.now() > until) throw new Error('the gateway was not ready within 20 minutes');
      const ok = await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.status === 200, () => false);
      if (ok) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const ms = performance.now() - t0;
    return { 'gateway spawn to ready s': s1(ms), 'gateway RSS MB': Math.round(await rssMb(child.pid)) };
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

/** Step: replay of the sales projection into a fresh database, with the checksum comparison. */
async function replayStep(cfg: Readonly<Config>): Promise<Row> {
  const target = `${cfg.clickhouse.database}_replay`;
  try {
    const r = await replay(cfg, { target, projections: selectProjections(['sales']), from: { kind: 'beginning' } });
    return { 'replay s': s1(r.seconds * 1000), 'replay events/s': Math.round(r.eventsPerSecond), 'replay checksums equal': String(r.comparison?.equal) };
  } finally {
    const ch = createClickhouse(cfg);
    await exec(ch, `DROP DATABASE IF EXISTS ${target}`).catch(() => undefined);
    await ch.close();
  }
}

/** Step: a 13-cut-off walk-forward backtest (h = 1..4, refit every 4: 4 fits), request to recorded. */
async function backtestStep(cfg: Readonly<Config>): Promise<Row> {
  const out = mkdtempSync(join(tmpdir(), 'bench-scale-backtest-'));
  try {
    const t0 = performance.now();
    const r = await runBacktest(cfg, parseRequest({ cutoffs: 13, refitEvery: 4, horizon: 4, out }, 4), { log });
    const ms = performance.now() - t0;
    const fitRows = r.refits.map((x) => x.trainRows);
    return { 'backtest 13 cut-offs s': s1(ms), 'backtest refits': r.refits.length, 'backtest fit rows (max)': Math.max(0, ...fitRows), 'backtest points': r.metrics.points };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** All steps at one multiplier, on fresh topics and databases (dropped at the end). */
async function atScale(base: Readonly<Config>, multiplier: number, skip: Set<string>): Promise<Row> {
  const { cfg, prefix } = freshConfig(base, 's');
  const sim = scaledOptions({ seed: cfg.simulator.seed, stores: cfg.simulator.stores, depts: cfg.simulator.depts, startWeek: cfg.simulator.startWeek, weeks: cfg.simulator.weeks }, multiplier);
  const row: Row = { multiplier };
  const step = async (name: string, fn: () => Promise<Row>) => {
    if (skip.has(name)) return;
    log.warn(`x${multiplier}: ${name}`);
    Object.assign(row, await fn());
  };
  try {
    const codec = await bootstrapContracts(cfg);
    const producer = await SalesProducer.connect(createKafka(cfg, 'bench'), codec, cfg);
    const events = [...generateHistory({ ...sim, producedAt: 1_700_000_000_000 })];
    row.series = new Set(events.map((e) => e.store * 1024 + e.dept)).size;
    row.events = events.length;
    const b = await timedBackfill(cfg, prefix, producer, events);
    await producer.disconnect();
    events.length = 0;
    Object.assign(row, { 'backfill s': s1(b.visibleMs), 'backfill events/s': Math.round((row.events as number) / (b.visibleMs / 1000)) });
    await step('materializer', () => materializerCatchUp(cfg, prefix, row.events as number));
    let trained: TrainFigures | null = null;
    await step('train', async () => trainRow((trained = train(cfg, prefix))));
    if (trained) await step('forecast', () => forecasts(cfg, sim, trained!));
    if (trained) await step('gateway', () => gatewayStartup(cfg, prefix));
    // what one series costs the online state (the figure a replica's memory is sized by)
    if (typeof row['gateway RSS MB'] === 'number') row['gateway RSS KB per series'] = Math.round((row['gateway RSS MB'] * 1024) / (row.series as number));
    await step('replay', () => replayStep(cfg));
    await step('backtest', () => backtestStep(cfg));
  } finally {
    await dropFresh(cfg);
  }
  return row;
}

/** Each figure at size N over the same figure at the smallest size, next to N itself: 1.0 per unit of N is linear. */
function growth(rows: Row[]): Row[] {
  const first = rows[0]!;
  const m0 = first.multiplier as number;
  return rows.slice(1).map((r) => {
    const g: Row = { 'x series': `${(r.multiplier as number) / m0}` };
    for (const [k, v] of Object.entries(r)) {
      const v0 = first[k];
      if (k.endsWith(' s') || k.includes(' s ') || k.endsWith('MB')) if (typeof v === 'number' && typeof v0 === 'number' && v0 > 0) g[k] = +(v / v0).toFixed(2);
    }
    return g;
  });
}

async function main(): Promise<void> {
  const base = loadConfig();
  setLogLevel('warn');
  const arg = (name: string) => {
    const i = process.argv.indexOf(`--${name}`);
    return i < 0 ? undefined : process.argv[i + 1];
  };
  const sizes = (arg('scale') ?? '1,4').split(',').map(Number);
  const skip = new Set((arg('skip') ?? '').split(',').filter(Boolean));
  // the gateway builds the dashboard on a first start: do it before any clock runs
  if (!existsSync(join(WEB_DIST, 'index.html'))) spawnSync('npx', ['vite', 'build', 'web', '--logLevel', 'warn'], { stdio: 'inherit' });
  const rows: Row[] = [];
  for (const m of sizes) {
    rows.push(await atScale(base, m, skip));
    console.table(rows.at(-1));
  }
  console.log('\n== scale curve');
  console.table(rows);
  if (rows.length > 1) {
    console.log('\n== growth: figure at N over figure at the smallest size (linear = x series)');
    console.table(growth(rows));
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
