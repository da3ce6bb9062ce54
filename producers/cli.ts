import { loadConfig, type Config } from '../lib/config.js';
import { runCli, UsageError, type CliArgs } from '../lib/process/cli.js';
import { createKafka } from '../lib/kafka/client.js';
import { createLogger, setLogLevel } from '../lib/log.js';
import { bootstrapContracts } from '../lib/kafka/bootstrap.js';
import { generateHistory, generateWeek, historyEventCount, type GeneratorOptions } from '../domain/simulation/generator.js';
import { addWeeks } from '../lib/weeks.js';
import { formatTraits, measureTraits, type SalesPoint } from '../domain/simulation/traits.js';
import { formatIssue, readSalesCsv } from './csv.js';
import { importCsv } from './import.js';
import { injectNextWeek, latestLoggedWeek, nextWeekIndex } from '../domain/simulation/io/next-week.js';
import { progressBar } from '../lib/process/progress.js';
import { SalesProducer } from '../domain/sales/io/producer.js';
import { followPace as followPaceOf, runContinuous, type PaceFollower } from './continuous.js';

const log = createLogger('simulator');
const USAGE = `usage: npm run simulate -- <command> [options]
  backfill     produce the whole generated history (--weeks, --stores, --depts, --seed)
  next-week    produce one more week for every series
  break        inject a structural break: the next --count weeks (default 4) with department --dept's
               sales in every store scaled by --factor (default 0.6): what the decay trigger is for
  continuous   produce the following weeks forever at the pace simulation.pace sets (the dashboard's
               pace control), --rate events/s (default SIM_RATE) until one is set
  import FILE  import a CSV of weekly sales (--features FILE, --stores-file FILE)
  traits       print the difficulty traits of the generated history, or of --csv FILE
               (with --features FILE, --stores-file FILE), against real retail
  demo         backfill when the sales log is empty, then continuous
options: -h, --help  this text
needs only Kafka and the schema registry (never ClickHouse); traits needs no service`;

const OPTIONS = {
  weeks: { type: 'string' },
  stores: { type: 'string' },
  depts: { type: 'string' },
  seed: { type: 'string' },
  rate: { type: 'string' },
  features: { type: 'string' },
  'stores-file': { type: 'string' },
  csv: { type: 'string' },
  dept: { type: 'string' },
  factor: { type: 'string' },
  count: { type: 'string' },
} as const;
const COMMANDS = ['backfill', 'next-week', 'break', 'continuous', 'import', 'traits', 'demo'];

function simOptions(cfg: Readonly<Config>, v: Record<string, string | boolean | undefined>): GeneratorOptions & { startWeek: string; weeks: number } {
  const num = (name: string, fallback: number) => {
    const raw = v[name];
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${name}`, `expected a positive integer, got "${String(raw)}"`);
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

type Sim = ReturnType<typeof simOptions>;

/** The whole generated history, with a progress bar. */
async function backfill(producer: SalesProducer, sim: Sim): Promise<void> {
  const total = historyEventCount(sim);
  const bar = progressBar('backfill', 'events');
  const t0 = Date.now();
  const n = await producer.send(generateHistory({ ...sim, producedAt: Date.now() }), { total, onProgress: bar.update });
  bar.done();
  log.info(`backfill: ${n} events (${sim.weeks} weeks from ${sim.startWeek}) in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
}

/** The weeks from `startIndex` on, forever, at the pace simulation.pace sets (`rate` events/s until one is set); the next week is counted here, not re-read from the log each time. */
async function continuous(c: Command, rate: number, startIndex: number): Promise<void> {
  const pace = await c.followPace();
  try {
    await runContinuous({ producer: c.producer, sim: c.sim, defaultRate: rate, startIndex, pace, log });
  } finally {
    await pace.stop();
  }
}

/** The next --count weeks with one department scaled in every store (a structural break the champion has not seen). */
async function injectBreak(c: Command): Promise<void> {
  const v = c.values;
  const positive = (name: string, raw: string | boolean | undefined, fallback: number | null, integer: boolean): number => {
    if (raw === undefined && fallback !== null) return fallback;
    const n = Number(raw);
    if (raw === undefined || typeof raw !== 'string' || !Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
      throw new UsageError(`--${name}`, `expected a positive ${integer ? 'integer' : 'number'}, got "${raw === undefined ? '' : String(raw)}"`);
    }
    return n;
  };
  const dept = positive('dept', v.dept, null, true);
  const factor = positive('factor', v.factor, 0.6, false);
  const count = positive('count', v.count, 4, true);
  const start = nextWeekIndex(c.sim.startWeek, await c.latestWeek());
  const fromWeek = addWeeks(c.sim.startWeek, start);
  const sim = { ...c.sim, source: 'break', breaks: [{ dept, factor, fromWeek }] };
  let events = 0;
  for (let k = 0; k < count; k++) {
    const week = generateWeek({ ...sim, producedAt: Date.now() }, start + k);
    if (!week.some((e) => e.dept === dept)) throw new UsageError('--dept', `expected a department the simulator produces, got ${dept}`);
    events += await c.producer.send(week);
  }
  log.info(`break: department ${dept} x${factor} in every store from ${fromWeek}, ${count} week(s), ${events} events (later weeks of the continuous simulator are not scaled)`);
}

interface Command {
  cmd: string;
  arg: string | undefined;
  values: Record<string, string | boolean | undefined>;
  cfg: Readonly<Config>;
  sim: Sim;
  producer: SalesProducer;
  /** The latest week of the sales log (Kafka and the schema registry only, never a projection). */
  latestWeek: () => Promise<string | null>;
  /** Starts following simulation.pace (continuous and demo). */
  followPace: () => Promise<PaceFollower>;
}

async function runCommand(c: Command): Promise<void> {
  const { cmd, arg, values, cfg, sim, producer, latestWeek } = c;
  const rate = values.rate === undefined ? cfg.simulator.rate : Number(values.rate);
  if (!(rate > 0)) throw new UsageError('--rate', `expected a positive number of events per second, got "${String(values.rate)}"`);
  switch (cmd) {
    case 'backfill':
      return backfill(producer, sim);
    case 'next-week': {
      const r = await injectNextWeek({ producer, latestWeek, sim });
      log.info(`next week ${r.week}: ${r.events} events`);
      return;
    }
    case 'break':
      return injectBreak(c);
    case 'continuous':
      return continuous(c, rate, nextWeekIndex(sim.startWeek, await latestWeek()));
    case 'import': {
      if (!arg) throw new UsageError('import', 'expected the path of a CSV file');
      const features = typeof values.features === 'string' ? values.features : undefined;
      const stores = typeof values['stores-file'] === 'string' ? values['stores-file'] : undefined;
      const r = await importCsv(producer, { train: arg, features, stores }, log);
      log.info(`import: ${r.sent} events sent, ${r.errors} rows rejected`);
      return;
    }
    case 'demo': {
      const latest = await latestWeek();
      if (latest === null) await backfill(producer, sim);
      return continuous(c, rate, latest === null ? sim.weeks : nextWeekIndex(sim.startWeek, latest));
    }
    default:
      throw wrongCommand(cmd);
  }
}

const wrongCommand = (cmd: string) => new UsageError('command', `expected one of ${COMMANDS.join(', ')} (see --help), got "${cmd}"`);

async function main({ positionals, values: v }: CliArgs): Promise<void> {
  const values = v as Record<string, string | undefined>;
  const [cmd, arg] = positionals;
  if (!cmd) {
    process.stderr.write(`${USAGE}\n`);
    return;
  }
  // a wrong command is answered before any connection
  if (!COMMANDS.includes(cmd)) throw wrongCommand(cmd);
  const cfg = loadConfig();
  setLogLevel(cfg.logLevel, cfg.logFormat);
  const sim = simOptions(cfg, values);
  if (cmd === 'traits') {
    process.stdout.write(`${await traits(sim, values)}\n`);
    return;
  }
  const codec = await bootstrapContracts(cfg);
  const kafka = createKafka(cfg, 'simulator');
  const producer = await SalesProducer.connect(kafka, codec, cfg);
  const latestWeek = () => latestLoggedWeek({ kafka, codec, topic: cfg.topics.sales, log });
  const followPace = () => followPaceOf({ kafka, codec, topic: cfg.topics.simulationPace, log });
  const stop = () => producer.disconnect().catch(() => undefined);
  process.once('SIGINT', () => void stop().then(() => process.exit(0)));
  process.once('SIGTERM', () => void stop().then(() => process.exit(0)));
  try {
    await runCommand({ cmd, arg, values, cfg, sim, producer, latestWeek, followPace });
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

runCli(main, { usage: USAGE, options: OPTIONS });
