/**
 * Forecast quality on real weekly sales: `npm run bench -- real`.
 *
 * Imports a Kaggle-layout history (train.csv[.gz], features.csv[.gz],
 * stores.csv; the importer reads gzip directly) into a topic prefix of its
 * own, runs the three evaluation protocols as backtests of that topic, and
 * prints one table: WMAE and WAPE as ratios to seasonal naive per horizon
 * band on EVERY point with an actual (the headline; fallbacks in
 * trainer/backtest/every-point.ts), the share of points the model forecast
 * itself, 80/95% coverage and Winkler per band, the points whose series had
 * no value a year earlier, and the training time. The same-point comparison
 * follows as a second table.
 *
 *   npm run bench -- real                       ../shared/data/walmart-dev (the development slice)
 *   npm run bench -- real --csv DIR             your own history in the same layout
 *   npm run bench -- real --protocol short      one protocol (one, short, default)
 *   npm run bench -- real --in-process          read the files straight into the backtest loop (no Kafka; same loop and fit)
 *   npm run bench -- real --no-blend            the model alone, without the statistical member (for comparison)
 *   npm run bench -- real --max-rows 350000     another training row budget (default: the trainer's, domain/training/window.ts)
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createClickhouse, exec } from '../lib/clickhouse/client.js';
import { loadConfig, topicNames, withOverrides, type Config } from '../lib/config.js';
import { createKafka } from '../lib/kafka/client.js';
import { createLogger, setLogLevel } from '../lib/log.js';
import { bootstrapContracts } from '../lib/kafka/bootstrap.js';
import { isoOfDay } from '../lib/weeks.js';
import { SalesProducer } from '../domain/sales/io/producer.js';
import { DEFAULT_TRAIN_PARAMS } from '../domain/training/request.js';
import { readSalesCsv } from '../producers/csv.js';
import { importCsv } from '../producers/import.js';
import { summarize, type BacktestMetrics } from '../trainer/backtest/aggregate.js';
import { bandTableText } from '../trainer/backtest/band-table.js';
import { planCutoffs, type CutoffSpec } from '../trainer/backtest/cutoffs.js';
import { summarizeEveryPoint, type EveryPointMetrics } from '../trainer/backtest/every-point.js';
import { readSalesLog, sliceOf } from '../trainer/backtest/log-reader.js';
import { MIN_HISTORY_WEEKS } from '../trainer/backtest/run.js';
import { SalesLogBuilder, type SalesLog } from '../trainer/backtest/sales-log.js';
import { walkForward, type RefitRecord } from '../trainer/backtest/walk-forward.js';
import { xgboostFit } from '../trainer/backtest/xgboost-fit.js';

export interface Protocol {
  name: string;
  cutoffs: CutoffSpec;
  horizon: number;
  refitEvery: number;
}

/** The development protocols of ../shared/data/walmart-dev/README.md (the withheld stores are scored the same way). */
export const PROTOCOLS: Protocol[] = [
  { name: 'one', cutoffs: { kind: 'range', from: '2012-01-27', to: '2012-01-27' }, horizon: 39, refitEvery: 1 },
  { name: 'short', cutoffs: { kind: 'range', from: '2012-01-27', to: '2012-09-28' }, horizon: 4, refitEvery: 4 },
  { name: 'default', cutoffs: { kind: 'range', from: '2012-01-27', to: '2012-07-27' }, horizon: 13, refitEvery: 4 },
];

export interface ProtocolResult {
  protocol: Protocol;
  cutoffs: string[];
  every: EveryPointMetrics;
  same: BacktestMetrics;
  refits: RefitRecord[];
  ms: number;
}

/** The files of a Kaggle-layout folder (plain or gzipped), or what is missing. */
export function realFiles(dir: string): { train: string; features?: string; stores?: string } | { missing: string } {
  const pick = (name: string) => [`${name}.csv.gz`, `${name}.csv`].map((f) => join(dir, f)).find((p) => existsSync(p));
  const train = pick('train');
  if (!train) return { missing: `${dir} has no train.csv or train.csv.gz` };
  const features = pick('features');
  const stores = pick('stores');
  return { train, ...(features ? { features } : {}), ...(stores ? { stores } : {}) };
}

/** The files read straight into a sales log, in file order (what the topic would hold after an import). */
export async function logOfFiles(files: { train: string; features?: string; stores?: string }): Promise<{ log: SalesLog; rejected: number }> {
  const b = new SalesLogBuilder();
  let rejected = 0;
  for await (const item of readSalesCsv(files.train, { featuresPath: files.features, storesPath: files.stores, producedAt: 0 })) {
    if ('error' in item) rejected++;
    else b.add(item.ok);
  }
  return { log: b.build(), rejected };
}

/** Runs one protocol over a sales log: the backtest's own loop, fit and scoring. */
export async function runProtocol(
  log: SalesLog,
  p: Protocol,
  o: { blend: boolean; params?: Record<string, unknown>; python?: string; maxTrainRows?: number; onRefit?: (r: string) => void },
): Promise<ProtocolResult> {
  const t0 = performance.now();
  const plan = planCutoffs(log.weekDays, p.cutoffs, MIN_HISTORY_WEEKS);
  const walk = await walkForward(log, {
    cutoffs: plan.cutoffs,
    horizon: p.horizon,
    refitEvery: p.refitEvery,
    ...(o.maxTrainRows ? { maxTrainRows: o.maxTrainRows } : {}),
    fit: xgboostFit({ params: { ...DEFAULT_TRAIN_PARAMS, nthread: 2, ...o.params }, python: o.python ?? loadConfig().trainer.python, blend: o.blend }),
    onCutoff: (c) => {
      if (c.refit) o.onRefit?.(`${p.name}: cut-off ${c.index}/${c.total} ${c.cutoff} refit on ${c.refit.trainRows.toLocaleString('en-US')} rows in ${(c.refit.ms / 1000).toFixed(1)} s, eta ${Math.round(c.etaMs / 1000)} s`);
    },
  });
  const cutoffs = plan.cutoffs.map(isoOfDay);
  return { protocol: p, cutoffs, every: summarizeEveryPoint(walk.points, cutoffs, p.horizon), same: summarize(walk.points, cutoffs, p.horizon), refits: walk.refits, ms: performance.now() - t0 };
}

const r3 = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(3));
const pct = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '–' : `${(v * 100).toFixed(1)}%`);
const int = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '–' : Math.round(v).toLocaleString('en-US'));

/** The headline table: one row per protocol and band (and the protocol overall), every point scored. */
export function headlineTable(results: readonly ProtocolResult[]): string {
  const header = ['protocol', 'band', 'points', 'model own', 'WMAE/sn', 'WAPE/sn', 'cover 80', 'cover 95', 'Winkler 80', 'Winkler 95'];
  const rows: string[][] = [header];
  for (const r of results) {
    const m = r.every.metrics;
    const ov = m.overall;
    const at = (ivs: BacktestMetrics['intervals'], l: number) => ivs.find((i) => i.level === l);
    rows.push([
      r.protocol.name,
      `1..${r.protocol.horizon}`,
      int(r.every.points),
      pct(r.every.modelShare),
      r3((ov.model?.wmae ?? NaN) / (ov.seasonalNaive?.wmae ?? NaN)),
      r3((ov.model?.wape ?? NaN) / (ov.seasonalNaive?.wape ?? NaN)),
      pct(at(m.intervals, 0.8)?.coverage),
      pct(at(m.intervals, 0.95)?.coverage),
      int(at(m.intervals, 0.8)?.winkler),
      int(at(m.intervals, 0.95)?.winkler),
    ]);
    if (m.byBand.length > 1) {
      for (const b of m.byBand) {
        rows.push(['', b.band, int(b.points), '', r3(b.ratios.model?.wmae), r3(b.ratios.model?.wape), pct(at(b.intervals, 0.8)?.coverage), pct(at(b.intervals, 0.95)?.coverage), int(at(b.intervals, 0.8)?.winkler), int(at(b.intervals, 0.95)?.winkler)]);
      }
    }
  }
  const widths = header.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
  return rows.map((row) => row.map((cell, c) => (c < 2 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ')).join('\n');
}

/** The no-year-ago breakdown and the training time per protocol. */
export function detailLines(r: ProtocolResult): string[] {
  const y = r.every.noYearAgo;
  const fits = r.refits.map((f) => f.ms);
  const blend = r.refits.at(-1)?.info;
  return [
    `${r.protocol.name}: ${r.cutoffs.length} cut-off(s) ${r.cutoffs[0]} .. ${r.cutoffs.at(-1)}, h 1..${r.protocol.horizon}, refit every ${r.protocol.refitEvery}; ${(r.ms / 1000).toFixed(0)} s in all`,
    `  training: ${fits.length} fit(s), ${(Math.max(...fits) / 1000).toFixed(1)} s the longest, ${(fits.reduce((a, b) => a + b, 0) / fits.length / 1000).toFixed(1)} s on average (XGBoost, ONNX export and parity check, blend and calibration)`,
    `  no value 52 weeks earlier: ${y.points.toLocaleString('en-US')} points; WMAE per point: model ${int(y.wmae.model)}, zero ${int(y.wmae.zero)}, last value ${int(y.wmae.lastValue)}, 4-week mean ${int(y.wmae.mean4)}`,
    ...(blend ? [`  blend at the last refit (w: the model share, g: the growth share, y: the model share for series without last year, n: their naive member, 0 zero 1 last 2 mean4): ${Object.entries(blend).filter(([k]) => /^[wgyn]\d/.test(k)).map(([k, v]) => `${k}=${v}`).join(' ')}`] : []),
  ];
}

/** Imports the files into a fresh topic prefix and reads the topic back as the backtest does. */
async function logViaKafka(cfg: Readonly<Config>, files: { train: string; features?: string; stores?: string }): Promise<{ log: SalesLog; rejected: number }> {
  const log = createLogger('bench');
  const codec = await bootstrapContracts(cfg);
  const kafka = createKafka(cfg, 'bench-real');
  const producer = await SalesProducer.connect(kafka, codec, cfg);
  const t = performance.now();
  const imported = await importCsv(producer, files, log);
  await producer.disconnect();
  process.stderr.write(`imported ${imported.sent.toLocaleString('en-US')} events into ${cfg.topics.sales} in ${((performance.now() - t) / 1000).toFixed(1)} s (${imported.errors} rows rejected)\n`);
  const admin = kafka.admin();
  await admin.connect();
  try {
    const slice = await sliceOf(admin, cfg.topics.sales);
    const read = await readSalesLog(kafka, codec, cfg.topics.sales, slice, { groupId: `bench-real-${randomUUID()}` });
    return { log: read.log, rejected: imported.errors };
  } finally {
    await admin.disconnect();
  }
}

interface Options {
  /** The folder of train.csv[.gz], features.csv[.gz] and stores.csv, when given (default: the development slice beside the project). */
  csv: string | undefined;
  protocols: typeof PROTOCOLS;
  inProcess: boolean;
  noBlend: boolean;
  keep: boolean;
  maxRows: number | undefined;
  params: Record<string, unknown>;
}

/** The command line, or the exit code when it printed the usage (0) or refused a value (2, the flag named on stderr). */
function parseOptions(argv: string[]): Options | number {
  const { values } = parseArgs({
    args: argv.filter((a) => a !== 'real'),
    options: {
      csv: { type: 'string' },
      protocol: { type: 'string' },
      'in-process': { type: 'boolean', default: false },
      'no-blend': { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
      'max-rows': { type: 'string' },
      params: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write('usage: npm run bench -- real [--csv DIR] [--protocol one|short|default] [--in-process] [--no-blend] [--max-rows N] [--params JSON] [--keep]\n');
    return 0;
  }
  const protocols = values.protocol ? PROTOCOLS.filter((p) => p.name === values.protocol) : PROTOCOLS;
  if (protocols.length === 0) {
    process.stderr.write(`--protocol: expected one of ${PROTOCOLS.map((p) => p.name).join(', ')}, got "${values.protocol}"\n`);
    return 2;
  }
  const maxRows = values['max-rows'] === undefined ? undefined : Number(values['max-rows']);
  if (maxRows !== undefined && !(Number.isInteger(maxRows) && maxRows > 0)) {
    process.stderr.write(`--max-rows: expected a positive integer (the training row budget), got "${values['max-rows']}"\n`);
    return 2;
  }
  let params: Record<string, unknown> = {};
  if (values.params) {
    try {
      params = JSON.parse(values.params) as Record<string, unknown>;
    } catch {
      process.stderr.write(`--params: expected a JSON object of XGBoost parameters, got ${values.params}\n`);
      return 2;
    }
  }
  return { csv: values.csv, protocols, inProcess: values['in-process'], noBlend: values['no-blend'], keep: values.keep, maxRows, params };
}

async function main(): Promise<number> {
  const opts = parseOptions(process.argv.slice(2));
  if (typeof opts === 'number') return opts;
  setLogLevel('warn');
  const cfg0 = loadConfig();
  const dir = resolve(opts.csv ?? join(cfg0.root, '..', 'shared', 'data', 'walmart-dev'));
  const files = realFiles(dir);
  if ('missing' in files) {
    // the development slice lives beside the project, never in it: without it there is nothing to measure
    process.stdout.write(`real-data evaluation skipped: ${files.missing} (pass --csv DIR with train.csv[.gz], features.csv[.gz], stores.csv)\n`);
    return opts.csv ? 2 : 0;
  }
  const prefix = `real${Date.now().toString(36)}${randomUUID().slice(0, 4)}.`;
  const cfg = withOverrides(cfg0, (d) => {
    d.topics = topicNames(prefix);
    d.clickhouse.database = `bench_${prefix.replace(/[^A-Za-z0-9_]/g, '_')}`;
  });
  const t = performance.now();
  const { log, rejected } = opts.inProcess ? await logOfFiles(files) : await logViaKafka(cfg, files);
  process.stdout.write(
    `${dir}: ${log.events.toLocaleString('en-US')} events, ${log.series.length.toLocaleString('en-US')} series, ${log.weekDays.length} weeks ${isoOfDay(log.weekDays[0]!)} .. ${isoOfDay(log.weekDays.at(-1)!)}; ${rejected} rows rejected; read in ${((performance.now() - t) / 1000).toFixed(1)} s (${opts.inProcess ? 'in-process' : `via ${cfg.topics.sales}`})\n`,
  );
  const results: ProtocolResult[] = [];
  try {
    for (const p of opts.protocols) {
      const r = await runProtocol(log, p, { blend: !opts.noBlend, params: opts.params, python: cfg.trainer.python, ...(opts.maxRows ? { maxTrainRows: opts.maxRows } : {}), onRefit: (line) => process.stderr.write(`  ${line}\n`) });
      results.push(r);
      process.stdout.write(`${detailLines(r).join('\n')}\n`);
    }
    process.stdout.write(`\nEvery point with an actual (model without a forecast: seasonal naive, else 0; seasonal naive without last year: 0)${opts.noBlend ? ', model alone (--no-blend)' : ''}\n${headlineTable(results)}\n`);
    for (const r of results) process.stdout.write(`\nSame points only (${r.protocol.name}: ${r.same.points.toLocaleString('en-US')} points where every method has a forecast, ${r.same.dropped.toLocaleString('en-US')} left out)\n${bandTableText(r.same)}\n`);
  } finally {
    if (!opts.inProcess && !opts.keep) await dropPrefix(cfg);
  }
  return 0;
}

/** Deletes the prefix's topics and database (a real history is large to keep around). */
async function dropPrefix(cfg: Readonly<Config>): Promise<void> {
  const kafka = createKafka(cfg, 'bench-real');
  const admin = kafka.admin();
  await admin.connect();
  try {
    const mine = (await admin.listTopics()).filter((tp) => Object.values(cfg.topics).includes(tp));
    if (mine.length > 0) await admin.deleteTopics({ topics: mine });
  } finally {
    await admin.disconnect();
  }
  const ch = createClickhouse(cfg);
  try {
    await exec(ch, `DROP DATABASE IF EXISTS ${cfg.clickhouse.database}`);
  } finally {
    await ch.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`bench real failed: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
