import { parseArgs } from 'node:util';
import { loadConfig, type Config } from '../lib/config.js';
import { createClickhouse } from '../lib/clickhouse.js';
import { AppError, messageOf } from '../lib/errors.js';
import { createKafka } from '../lib/kafka.js';
import { createLogger, setLogLevel } from '../lib/log.js';
import { addWeeks, weeksBetween } from '../lib/weeks.js';
import { bootstrapContracts } from '../lib/bootstrap.js';
import { createSalesTable } from '../domain/sales/table.js';
import { generateHistory, generateWeek, historyEventCount, type GeneratorOptions } from '../domain/simulation/generator.js';
import { formatTraits, measureTraits, type SalesPoint } from '../domain/simulation/traits.js';
import { formatIssue, readSalesCsv } from './csv.js';
import { importCsv } from './import.js';
import { injectNextWeek, latestWeek } from '../domain/simulation/next-week.js';
import { progressBar } from '../lib/progress.js';
import { SalesProducer } from '../domain/sales/producer.js';

const log = createLogger('simulator');
const USAGE = `usage: npm run simulate -- <command> [options]
  backfill     produce the whole generated history (--weeks, --stores, --depts, --seed)
  next-week    produce one more week for every series
  continuous   produce the following weeks forever at --rate events/s (default SIM_RATE)
  import FILE  import a CSV of weekly sales (--features FILE, --stores-file FILE)
  traits       print the difficulty traits of the generated history, or of --csv FILE
               (with --features FILE, --stores-file FILE), against real retail
  demo         backfill when the projection is empty, then continuous`;

function simOptions(cfg: Readonly<Config>, v: Record<string, string | boolean | undefined>): GeneratorOptions & { startWeek: string; weeks: number } {
  const num = (name: string, fallback: number) => {
    const raw = v[name];
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1) throw new AppError('USAGE', `--${name}: expected a positive integer, got "${String(raw)}"`);
    return n;
  };
  return {
    seed: num('seed', cfg.simulator.seed),
    stores: num('stores', cfg.simulator.stores),
    depts: num('depts', cfg.simulator.depts),
    weeks: num('weeks', cfg.simulator.weeks),
    startWeek: cfg.simulator.startWeek,
  };
}

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      weeks: { type: 'string' },
      stores: { type: 'string' },
      depts: { type: 'string' },
      seed: { type: 'string' },
      rate: { type: 'string' },
      features: { type: 'string' },
      'stores-file': { type: 'string' },
      csv: { type: 'string' },
    },
  });
  const [cmd, arg] = positionals;
  if (!cmd) {
    process.stderr.write(`${USAGE}\n`);
    return;
  }
  const cfg = loadConfig();
  setLogLevel(cfg.logLevel);
  const sim = simOptions(cfg, values);
  if (cmd === 'traits') {
    process.stdout.write(`${await traits(sim, values)}\n`);
    return;
  }
  const codec = await bootstrapContracts(cfg);
  const kafka = createKafka(cfg, 'simulator');
  const producer = await SalesProducer.connect(kafka, codec, cfg);
  const ch = createClickhouse(cfg);
  await createSalesTable(ch, cfg.clickhouse.database);
  const stop = async () => {
    await producer.disconnect().catch(() => undefined);
    await ch.close().catch(() => undefined);
  };
  process.once('SIGINT', () => void stop().then(() => process.exit(0)));
  process.once('SIGTERM', () => void stop().then(() => process.exit(0)));
  try {
    const backfill = async () => {
      const total = historyEventCount(sim);
      const bar = progressBar('backfill', 'events');
      const t0 = Date.now();
      const n = await producer.send(generateHistory({ ...sim, producedAt: Date.now() }), { total, onProgress: bar.update });
      bar.done();
      log.info(`backfill: ${n} events (${sim.weeks} weeks from ${sim.startWeek}) in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
    };
    // The next week to produce is counted here, not re-read from the projection each
    // time: right after a backfill the projection still lags behind the log.
    const continuous = async (rate: number, startIndex?: number) => {
      log.info(`continuous: producing the following weeks at ${rate} events/s (Ctrl-C stops)`);
      let index = startIndex;
      if (index === undefined) {
        const latest = await latestWeek(ch, cfg.clickhouse.database);
        index = latest === null ? 0 : weeksBetween(sim.startWeek, latest) + 1;
      }
      for (;; index++) {
        const events = generateWeek({ ...sim, source: 'simulator', producedAt: Date.now() }, index);
        const slice = Math.max(1, Math.round(rate / 4));
        for (let i = 0; i < events.length; i += slice) {
          const t = Date.now();
          await producer.send(events.slice(i, i + slice));
          await new Promise((r) => setTimeout(r, Math.max(0, 250 - (Date.now() - t))));
        }
        log.info(`continuous: week ${events[0]?.week ?? addWeeks(sim.startWeek, index)} produced (${events.length} events)`);
      }
    };
    const rate = values.rate === undefined ? cfg.simulator.rate : Number(values.rate);
    if (!(rate > 0)) throw new AppError('USAGE', `--rate: expected a positive number of events per second, got "${values.rate}"`);
    switch (cmd) {
      case 'backfill':
        await backfill();
        break;
      case 'next-week': {
        const r = await injectNextWeek({ producer, ch, database: cfg.clickhouse.database, sim });
        log.info(`next week ${r.week}: ${r.events} events`);
        break;
      }
      case 'continuous':
        await continuous(rate);
        break;
      case 'import': {
        if (!arg) throw new AppError('USAGE', 'import: expected the path of a CSV file');
        const r = await importCsv(producer, { train: arg, features: values.features, stores: values['stores-file'] }, log);
        log.info(`import: ${r.sent} events sent, ${r.errors} rows rejected`);
        break;
      }
      case 'demo':
        if ((await latestWeek(ch, cfg.clickhouse.database)) === null) {
          await backfill();
          await continuous(rate, sim.weeks);
        } else await continuous(rate);
        break;
      default:
        throw new AppError('USAGE', `unknown command "${cmd}"\n${USAGE}`);
    }
  } finally {
    await stop();
  }
}

/** The traits table of the generated history, or of a CSV the importer reads; needs no service. */
async function traits(sim: GeneratorOptions, v: Record<string, string | boolean | undefined>): Promise<string> {
  const points: SalesPoint[] = [];
  const csv = v.csv;
  if (typeof csv !== 'string') {
    for (const e of generateHistory({ ...sim, producedAt: 0 })) points.push({ store: e.store, dept: e.dept, week: e.week, sales: e.weeklySales });
    return `generated history (seed ${sim.seed}, ${sim.stores} stores, ${sim.weeks} weeks)\n${formatTraits(measureTraits(points))}`;
  }
  const features = typeof v.features === 'string' ? v.features : undefined;
  const stores = typeof v['stores-file'] === 'string' ? v['stores-file'] : undefined;
  let rejected = 0;
  for await (const item of readSalesCsv(csv, { featuresPath: features, storesPath: stores })) {
    if ('error' in item) {
      if (++rejected <= 5) log.warn(`rejected ${formatIssue(item.error)}`);
      continue;
    }
    points.push({ store: item.ok.store, dept: item.ok.dept, week: item.ok.week, sales: item.ok.weeklySales });
  }
  return `${csv}: ${points.length} rows${rejected > 0 ? `, ${rejected} rejected` : ''}\n${formatTraits(measureTraits(points))}`;
}

main().catch((err: unknown) => {
  log.error(err instanceof AppError ? err.message : `failed: ${messageOf(err)}`);
  process.exit(1);
});
