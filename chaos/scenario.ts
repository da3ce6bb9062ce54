/**
 * One chaos scenario run: the system's processes under a real Supervisor
 * (so a kill is a real crash and a restart a real restart), a stream of
 * sales produced at a steady pace, one fault injected mid-stream, then the
 * proof: exact rows and checksum of the projection against the log, and
 * every process alive at the end.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig, type Config } from '../lib/config.js';
import { createClickhouse } from '../lib/clickhouse/client.js';
import { createKafka } from '../lib/kafka/client.js';
import { createLogger, type Logger } from '../lib/log.js';
import { messageOf } from '../lib/errors.js';
import { bootstrapContracts } from '../lib/kafka/bootstrap.js';
import { eventually } from '../lib/testing.js';
import { generateHistory, type GeneratorOptions } from '../domain/simulation/generator.js';
import { SalesProducer } from '../domain/sales/io/producer.js';
import type { SalesWeek } from '../schemas/types.js';
import { Supervisor, type ProcessSpec } from '../stack/supervisor.js';
import { expectedChecksum, rawRows, tableChecksum } from './checksum.js';
import type { Instance } from './instance.js';

/** What a fault sees: the instance, the supervised processes and a progress probe. */
export interface FaultContext {
  inst: Instance;
  /** the scenario's own config (topics, database, groups) */
  cfg: Readonly<Config>;
  /** where each supervised process writes its output (`<name>.log`) */
  logDir: string;
  supervisor: Supervisor;
  /** rows in the sales table now (without FINAL; 0 while ClickHouse is down) */
  rows(): Promise<number>;
  total: number;
  log: Logger;
  /** set by a scenario whose recovery is more than the rows (a model back, a gateway ready): epoch ms */
  recoveredAt?: number;
}

export interface Scenario {
  /** short name for `npm run chaos -- --scenario ID` (e.g. `broker-loss`) */
  id: string;
  name: string;
  sim: GeneratorOptions & { startWeek: string; weeks: number };
  /** the supervised processes (default: materializer and registry projector) */
  processes?: ProcessSpec[];
  /** injects the fault once the stream is under way; resolves when the fault is over (the service is back or the process was killed) */
  fault(ctx: FaultContext): Promise<void>;
  /** extra checks after the data is proven (e.g. a broker is restarted); a thrown error fails the scenario */
  after?(ctx: FaultContext): Promise<void>;
  /** a target the scenario must meet besides the data: recovered within `recoverS` seconds, with at most `restarts` process restarts */
  within?: { recoverS: number; restarts: number };
}

export interface ScenarioResult {
  scenario: string;
  events: number;
  rows: number;
  checksumEqual: boolean;
  restarts: number;
  /** seconds from the end of the fault to every row in ClickHouse with the right checksum */
  recoverS: number;
  /** the longest time, from the first row to the last, that no new row reached ClickHouse: the consumer's own pause (recoverS also waits for the rest of the stream to be produced) */
  pauseS?: number;
  alive: boolean;
  ok: boolean;
  error?: string;
}

/** The system's processes, as the supervisor of `npm start` runs them. */
export const PROCESSES: Record<string, ProcessSpec> = {
  materializer: { name: 'materializer', args: ['--import', 'tsx', 'consumers/materializer/main.ts'] },
  registryProjector: { name: 'registry-projector', args: ['--import', 'tsx', 'consumers/registry/main.ts'] },
  trainer: { name: 'trainer', args: ['--import', 'tsx', 'trainer/main.ts'] },
  gateway: { name: 'gateway', args: ['--import', 'tsx', 'gateway/main.ts'] },
};

const DEFAULT_PROCESSES = [PROCESSES.materializer!, PROCESSES.registryProjector!];

/** A config and child environment with a unique topic prefix, database and group for this scenario. */
function isolate(inst: Instance, name: string): { cfg: Readonly<Config>; env: NodeJS.ProcessEnv; slug: string } {
  const tag = `c${Date.now().toString(36)}${randomUUID().slice(0, 4)}`;
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
  const env = {
    ...inst.env,
    TOPIC_PREFIX: `${tag}.${slug}.`,
    CLICKHOUSE_DATABASE: `chaos_${tag}`,
    MATERIALIZER_GROUP: `${tag}-materializer`,
    // small batches so that a kill lands mid-batch and a fault mid-stream
    MATERIALIZER_BATCH_ROWS: '400',
    MATERIALIZER_BATCH_MS: '100',
    // the processes write to their own log files; info lines show what they were doing when struck
    LOG_LEVEL: 'info',
    GATEWAY_PORT: String(inst.cfg.kafka.port - 12), // the instance's port base + 80
    // no scheduled or threshold run: only the scenario's requests
    TRAIN_CRON: '0 3 1 1 *',
    TRAIN_THRESHOLD_FRACTION: '1',
  };
  return { cfg: loadConfig(env), env, slug };
}

/**
 * Produces the events in slices of `slice` every 200 ms; a slice that fails
 * (Kafka down) is sent again until it goes through: the projection is an
 * upsert, so a re-sent slice cannot add rows. A send that hangs past 20 s
 * (kafkajs can wait on a connection to a broker that went away) is given up
 * and the slice re-sent on a fresh producer.
 */
async function produceSteadily(connect: () => Promise<SalesProducer>, events: SalesWeek[], slice: number, log: Logger, going: () => boolean): Promise<void> {
  let producer: SalesProducer | null = null;
  try {
    for (let i = 0; i < events.length && going(); i += slice) {
      for (let attempt = 1; going(); attempt++) {
        try {
          producer ??= await connect();
          await withTimeout(producer.send(events.slice(i, i + slice)), 20_000, 'send');
          break;
        } catch (err) {
          if (attempt === 1) log.warn(`producing failed, sending the slice again until Kafka takes it: ${messageOf(err)}`);
          void producer?.disconnect().catch(() => undefined);
          producer = null;
          await new Promise((r) => setTimeout(r, 1000));
        }
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  } finally {
    await producer?.disconnect().catch(() => undefined);
  }
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms)));
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

/**
 * Polls the row count every 250 ms and keeps the longest time between two
 * increases, from the first row until the last (a poll that fails, ClickHouse
 * down, counts as no increase); `stop()` ends the watch and returns it in seconds.
 */
function watchPauses(rows: () => Promise<number>, total: number): { stop(): Promise<number> } {
  let last = -1;
  let since = Date.now();
  let longest = 0;
  let going = true;
  const loop = (async () => {
    while (going) {
      const n = await rows().catch(() => last);
      const now = Date.now();
      // before the first row the processes are still starting: that is no pause
      if (n > last || n >= total || n <= 0) {
        last = n;
        since = now;
      }
      longest = Math.max(longest, now - since);
      await new Promise((r) => setTimeout(r, 250));
    }
  })();
  return {
    async stop() {
      going = false;
      await loop;
      return longest / 1000;
    },
  };
}

/** Whether every supervised process has a live pid now. */
function allAlive(supervisor: Supervisor): boolean {
  return supervisor.processes().every((p) => {
    if (p.pid === null) return false;
    try {
      process.kill(p.pid, 0);
      return true;
    } catch {
      return false;
    }
  });
}

/** Why a result misses its scenario's `within` target (too slow, or recovered only through a restart), or undefined. */
export function missedTarget(s: Pick<Scenario, 'within'>, r: Pick<ScenarioResult, 'recoverS' | 'restarts'>): string | undefined {
  if (!s.within) return undefined;
  const misses: string[] = [];
  if (!(r.recoverS <= s.within.recoverS)) misses.push(`recovered in ${r.recoverS.toFixed(1)} s, expected at most ${s.within.recoverS} s`);
  if (r.restarts > s.within.restarts) misses.push(`${r.restarts} process restart(s), expected at most ${s.within.restarts}`);
  return misses.length > 0 ? misses.join('; ') : undefined;
}

/** Runs one scenario on a running instance; never throws: a failure is a result with `ok: false`. */
export async function runScenario(inst: Instance, s: Scenario, opts: { recoverTimeoutS?: number } = {}): Promise<ScenarioResult> {
  const log = createLogger(`chaos:${s.name}`);
  const { cfg, env, slug } = isolate(inst, s.name);
  const events = [...generateHistory({ ...s.sim, producedAt: 1_700_000_000_000 })];
  const want = expectedChecksum(events);
  const result: ScenarioResult = { scenario: s.name, events: events.length, rows: 0, checksumEqual: false, restarts: 0, recoverS: NaN, alive: false, ok: false };
  const ch = createClickhouse(cfg);
  const logDir = join(inst.cfg.stackDir, 'logs', slug);
  mkdirSync(logDir, { recursive: true });
  // a failed scenario must not leave its producer retrying forever
  let finished = false;
  let pause: ReturnType<typeof watchPauses> | null = null;
  const supervisor = new Supervisor({ stackDir: inst.cfg.stackDir, log: log.child('supervisor'), env, logDir, backoffMs: 500, maxBackoffMs: 5_000, stopTimeoutMs: 20_000 });
  try {
    const codec = await bootstrapContracts(cfg);
    const connect = () => SalesProducer.connect(createKafka(cfg, 'chaos-producer', { retries: 5, initialRetryTime: 300 }), codec, cfg);
    supervisor.start(s.processes ?? DEFAULT_PROCESSES);
    const ctx: FaultContext = { inst, cfg, logDir, supervisor, rows: () => rawRows(ch, cfg.clickhouse.database), total: want.rows, log };
    const producing = produceSteadily(connect, events, Math.max(50, Math.ceil(events.length / 60)), log, () => !finished);
    pause = watchPauses(ctx.rows, want.rows);
    await s.fault(ctx);
    const healed = Date.now();
    await producing;
    let got = { rows: 0, hash: '' };
    await eventually(async () => {
      got = await tableChecksum(ch, cfg.clickhouse.database).catch(() => got);
      return got.rows === want.rows && got.hash === want.hash;
    }, (opts.recoverTimeoutS ?? 240) * 1000, 500);
    const rowsAt = Date.now();
    result.pauseS = await pause.stop();
    result.rows = got.rows;
    result.checksumEqual = got.hash === want.hash;
    await s.after?.(ctx);
    result.recoverS = (Math.max(rowsAt, ctx.recoveredAt ?? 0) - healed) / 1000;
    result.alive = allAlive(supervisor);
    result.restarts = supervisor.processes().reduce((a, p) => a + p.restarts, 0);
    result.ok = result.rows === result.events && result.checksumEqual && result.alive;
    if (!result.ok) result.error = `rows ${got.rows}/${want.rows}, hash ${got.hash} vs ${want.hash}, alive ${result.alive}`;
    else result.error = missedTarget(s, result);
    if (result.error) result.ok = false;
  } catch (err) {
    result.error = messageOf(err);
  } finally {
    finished = true;
    await pause?.stop();
    await supervisor.stop();
    await ch.close();
  }
  return result;
}
