/**
 * Training benchmark on the full generated history (~3,300 series x 143
 * weeks ~ 420k rows): time to read from ClickHouse, build features, train,
 * export, validate (ONNX parity) and register (artifact + events), and peak
 * memory of this process and of the Python child. Target: under 60 s.
 *
 *   npx tsx bench/train.ts                  generate into a unique prefix/database, bench, drop it
 *   npx tsx bench/train.ts --keep           ... and keep the database (prints its name)
 *   npx tsx bench/train.ts --database NAME  bench on an existing sales projection
 *   npx tsx bench/train.ts --runs 2         a second run also scores the first as champion
 *   npx tsx bench/train.ts --database NAME --prefix P. --json
 *                                           model topics under P. (kept), and a last line
 *                                           `TRAIN_JSON {...}` with the figures (bench/scale.ts)
 *
 * Model events and the artifact always go to unique topics, never the shared ones.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClickhouse, exec, ident, rows } from '../lib/clickhouse/client.js';
import { loadConfig, topicNames, withOverrides, type Config } from '../lib/config.js';
import { messageOf } from '../lib/errors.js';
import { createKafka } from '../lib/kafka/client.js';
import { createLogger, setLogLevel } from '../lib/log.js';
import { startMaterializer } from '../consumers/materializer/main.js';
import { SALES_TABLE } from '../domain/sales/table.js';
import { generateHistory } from '../domain/simulation/generator.js';
import { SalesProducer } from '../domain/sales/io/producer.js';
import { bootstrapContracts } from '../lib/kafka/bootstrap.js';
import { EventPublisher } from '../domain/training/io/event-publisher.js';
import type { Metrics } from '../domain/registry/metrics.js';
import { startRegistryView } from '../domain/registry/io/view.js';
import { newRequest, planRun } from '../domain/training/request.js';
import { executeRun, type RunContext, type RunOutcome } from '../trainer/run/training-run.js';
import { TRAIN_SCRIPT } from '../trainer/run/xgboost.js';

const log = createLogger('bench');

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? undefined : (process.argv[i + 1] ?? '');
}

/** Rows in a database's sales projection (0 when it does not exist). */
async function salesRows(cfg: Readonly<Config>): Promise<number> {
  const ch = createClickhouse(cfg);
  try {
    const r = await rows<{ n: string }>(ch, `SELECT count() AS n FROM ${ident(cfg.clickhouse.database)}.${SALES_TABLE} FINAL`);
    return Number(r[0]?.n ?? 0);
  } catch {
    return 0;
  } finally {
    await ch.close();
  }
}

/** Produces the configured simulation and materializes it (not part of the timed part). */
async function generate(cfg: Readonly<Config>): Promise<number> {
  const t0 = performance.now();
  const codec = await bootstrapContracts(cfg);
  const producer = await SalesProducer.connect(createKafka(cfg, 'bench-producer'), codec, cfg);
  const mat = await startMaterializer(cfg, createLogger('bench:materializer'));
  const sent = await producer.send(generateHistory({ ...cfg.simulator, producedAt: 1_700_000_000_000 }), {
    onProgress: (n) => {
      if (n % 100_000 < 20_000) log.info(`produced ${n} events`);
    },
  });
  await producer.disconnect();
  const deadline = Date.now() + 300_000;
  while ((await salesRows(cfg)) < sent) {
    if (Date.now() > deadline) throw new Error(`materializer did not catch up with ${sent} events within 300 s`);
    await new Promise((r) => setTimeout(r, 500));
  }
  await mat.stop();
  log.info(`generated and materialized ${sent} events in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return sent;
}

/** A wrapper around train.py that reports the child's peak RSS as one of the driver's JSON log lines. */
function memoryProbe(dir: string): string {
  const path = join(dir, 'train_with_maxrss.py');
  writeFileSync(
    path,
    [
      'import json, resource, runpy, sys',
      `script = ${JSON.stringify(TRAIN_SCRIPT)}`,
      'sys.argv = [script] + sys.argv[1:]',
      'code = 0',
      'try:',
      "    runpy.run_path(script, run_name='__main__')",
      'except SystemExit as e:',
      '    code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)',
      'finally:',
      '    print(json.dumps({"type": "log", "msg": "maxrss_kb=%d" % resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}), flush=True)',
      'sys.exit(code)',
      '',
    ].join('\n'),
  );
  return path;
}

const s = (ms: number | undefined) => (ms === undefined ? '-' : (ms / 1000).toFixed(2));
const mb = (kb: number) => `${Math.round(kb / 1024)} MB`;

function report(o: RunOutcome, pythonKb: number, wallMs: number): string {
  const t = o.timings;
  const tt = o.trainTimings;
  const phases: [string, string][] = [
    ['wait for materializer', s(t.wait)],
    ['read ClickHouse (FINAL)', s(t.read)],
    ['build features (train + holdout)', s(t.features)],
    ['write matrices for python', s(tt.writeMs)],
    ['python: load', s(tt.pythonLoadMs)],
    ['python: train (hist, early stop)', s(tt.pythonTrainMs)],
    ['python: predict holdout', s(tt.pythonPredictMs)],
    ['python: export ONNX', s(tt.pythonExportMs)],
    ['python: process total', s(tt.pythonMs)],
    ['validate: ONNX parity (onnxruntime-node)', s(tt.parityMs)],
    ['score champion', s(t.champion)],
    ['evaluate (metrics, baselines)', s(t.evaluate)],
    ['register: artifact', s(t.publish)],
    ['register: model.trained/promoted', s(t.record)],
    ['TOTAL (request to recorded)', s(wallMs)],
  ];
  const w = Math.max(...phases.map((p) => p[0].length));
  const lines = ['phase'.padEnd(w) + '  seconds', ...phases.map(([k, v]) => `${k.padEnd(w)}  ${v.padStart(7)}`)];
  lines.push('', `peak memory: node ${mb(process.resourceUsage().maxRSS)}, python child ${pythonKb ? mb(pythonKb) : 'n/a'}`);
  lines.push(`data: ${o.trained.dataRows} rows, ${o.trained.dataSeries} series, up to ${o.trained.dataMaxWeek}; holdout ${o.trained.holdoutWeeks[0]} .. ${o.trained.holdoutWeeks.at(-1)}, ${o.metrics.points} points`);
  const tr = o.metrics.training;
  if (tr) lines.push(`training rows: ${tr.rows.toLocaleString('en-US')} of ${tr.candidates.toLocaleString('en-US')} (${(tr.sampleRate * 100).toFixed(1)}% sample: row budget), window ${tr.windowWeeks === 0 ? 'all history' : `${tr.windowWeeks} weeks`}, H = ${o.trained.horizon}`);
  lines.push(`decision: ${o.trained.decision}: ${o.trained.decisionReason}`, '');
  const m = o.metrics;
  const rowsOf: [string, Metrics | null | undefined][] = [['model (XGBoost)', m.model], ['seasonal-naive', m.seasonalNaive], ['last-value', m.lastValue], ['champion', m.champion]];
  lines.push(`${'holdout'.padEnd(16)}  ${'WAPE'.padStart(8)}  ${'MAE'.padStart(9)}  ${'RMSE'.padStart(9)}  ${'WMAE'.padStart(9)}`);
  for (const [k, x] of rowsOf) {
    if (!x) continue;
    lines.push(`${k.padEnd(16)}  ${`${(x.wape * 100).toFixed(2)}%`.padStart(8)}  ${x.mae.toFixed(0).padStart(9)}  ${x.rmse.toFixed(0).padStart(9)}  ${x.wmae.toFixed(0).padStart(9)}`);
  }
  lines.push('', ...holdoutBands(o));
  return lines.join('\n');
}

/** Holdout WMAE / WAPE ratios to seasonal naive per horizon band, and the calibrated interval half-widths. */
function holdoutBands(o: RunOutcome): string[] {
  const out = [`${'holdout band'.padEnd(16)}  ${'points'.padStart(8)}  ${'WMAE/s-naive'.padStart(12)}  ${'WAPE/s-naive'.padStart(12)}`];
  for (const b of o.metrics.bands ?? []) {
    const r = (k: 'wmae' | 'wape') => (b.metrics.model![k] / b.metrics.seasonalNaive![k]).toFixed(3);
    out.push(`${`h ${b.label}`.padEnd(16)}  ${String(b.points).padStart(8)}  ${r('wmae').padStart(12)}  ${r('wape').padStart(12)}`);
  }
  const iv = o.metrics.intervals;
  if (iv) {
    const at = (li: number, h: number) => iv.halfWidth[li]?.[h - 1]?.toFixed(3) ?? '-';
    const hs = [1, 4, 13, o.trained.horizon].filter((h, i, a) => h <= o.trained.horizon && a.indexOf(h) === i);
    out.push(`conformal half-widths (x max(|forecast|, scale/4, 1)), ${hs.map((h) => `h${h}`).join(' / ')}: ${iv.levels.map((l, li) => `${Math.round(l * 100)}% ${hs.map((h) => at(li, h)).join(' / ')}`).join('; ')}`);
  }
  return out;
}

/** The figures bench/scale.ts reads: wall time, peak memory, the sample budget and where the model is. */
function figures(o: RunOutcome, pythonKb: number, wallMs: number): Record<string, unknown> {
  const tr = o.metrics.training;
  return {
    wallMs: Math.round(wallMs),
    nodePeakMb: Math.round(process.resourceUsage().maxRSS / 1024),
    pythonPeakMb: Math.round(pythonKb / 1024),
    dataRows: o.trained.dataRows,
    series: o.trained.dataSeries,
    trainRows: tr?.rows ?? null,
    candidates: tr?.candidates ?? null,
    sampleRate: tr?.sampleRate ?? null,
    horizon: o.trained.horizon,
    version: o.trained.version,
    artifactUri: o.trained.artifactUri,
    intervals: o.metrics.intervals ?? null,
    decision: o.trained.decision,
  };
}

/** One measured run: a manual request planned and executed as the trainer does, with Python's peak memory; its report printed. */
async function measuredRun(i: number, deps: Pick<RunContext, 'cfg' | 'kafka' | 'admin' | 'ch' | 'publisher' | 'view' | 'log'>, probeDir: string, json: boolean): Promise<void> {
  let pythonKb = 0;
  const t0 = performance.now();
  const plan = planRun([newRequest({ trigger: 'manual', reason: `benchmark run ${i}`, requestedBy: 'bench' })]);
  const o = await executeRun(plan, {
    ...deps,
    cacheDir: join(probeDir, 'cache'),
    materializerWaitMs: 5_000,
    xgb: { script: memoryProbe(probeDir) },
    onLine: (line) => {
      const m = line.type === 'log' ? /^maxrss_kb=(\d+)$/.exec(line.msg) : null;
      if (m) pythonKb = Number(m[1]);
      else if (line.type === 'progress' && line.round % 50 === 0) log.info(`round ${line.round}/${line.of} valid MAE(z) ${line.validMae?.toFixed(4) ?? '-'}`);
    },
  });
  const wall = performance.now() - t0;
  if (o.trained.decision === 'failed') throw new Error(`run failed: ${o.trained.decisionReason}`);
  process.stdout.write(`\n== run ${i} (v${o.trained.version}) ==\n${report(o, pythonKb, wall)}\n`);
  if (json) process.stdout.write(`TRAIN_JSON ${JSON.stringify(figures(o, pythonKb, wall))}\n`);
  process.stdout.write(`${wall < 60_000 ? 'PASS' : 'OVER'}: ${s(wall)} s end to end (target 60 s)\n`);
}

async function main(): Promise<void> {
  const base = loadConfig();
  setLogLevel(base.logLevel === 'info' ? 'warn' : base.logLevel);
  const id = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  const existing = flag('database');
  const prefix = flag('prefix');
  const json = process.argv.includes('--json');
  const cfg = withOverrides(base, (d) => {
    d.topics = topicNames(prefix || `bench_${id}.`);
    d.clickhouse.database = existing || `bench_${id}`;
    d.materializer.groupId = `bench-materializer-${id}`;
  });
  const runs = Math.max(1, Number(flag('runs') ?? 1));
  let generated = false;
  if ((await salesRows(cfg)) === 0) {
    if (existing) throw new Error(`database ${existing} has no ${SALES_TABLE} rows`);
    setLogLevel('info');
    await generate(cfg);
    setLogLevel(base.logLevel === 'info' ? 'warn' : base.logLevel);
    generated = true;
  }
  const codec = await bootstrapContracts(cfg);
  const kafka = createKafka(cfg, 'bench');
  const admin = kafka.admin();
  await admin.connect();
  const ch = createClickhouse(cfg);
  const publisher = await EventPublisher.connect(kafka, codec, cfg.topics);
  const view = await startRegistryView(kafka, codec, cfg.topics, log);
  const probeDir = mkdtempSync(join(tmpdir(), 'bench-train-'));
  try {
    for (let i = 1; i <= runs; i++) await measuredRun(i, { cfg, kafka, admin, ch, publisher, view, log }, probeDir, json);
  } finally {
    rmSync(probeDir, { recursive: true, force: true });
    await Promise.allSettled([view.stop(), publisher.disconnect()]);
    const keep = generated && process.argv.includes('--keep');
    // model topics are always this run's own, except under a given prefix: the caller (bench/scale.ts) serves the model from them
    const model = [cfg.topics.trainingRequests, cfg.topics.modelTrained, cfg.topics.modelPromoted, cfg.topics.modelArtifacts];
    if (!prefix) await admin.deleteTopics({ topics: keep ? model : Object.values(cfg.topics) }).catch(() => undefined);
    if (generated && !keep) await exec(ch, `DROP DATABASE IF EXISTS ${ident(cfg.clickhouse.database)}`);
    if (keep) process.stdout.write(`kept: --database ${cfg.clickhouse.database}\n`);
    await Promise.allSettled([admin.disconnect(), ch.close()]);
  }
}

main().catch((err: unknown) => {
  log.error(messageOf(err));
  process.exit(1);
});
