/**
 * The registry projector: training.requests, model.trained and
 * model.promoted into ClickHouse (domain/registry/projection/), batched and
 * committed only after the inserts succeeded. It also projects the
 * backtests (domain/backtest/projection/), so `npm start` keeps the
 * dashboard's backtest list current. Run: npx tsx consumers/registry/main.ts
 */
import type { Config } from '../../lib/config.js';
import { createLogger, type Logger } from '../../lib/log.js';
import { startProjector, type Projector } from '../../lib/projector.js';
import { BACKTEST_PROJECTION } from '../../domain/backtest/projection/spec.js';
import { REGISTRY_PROJECTION } from '../../domain/registry/projection/spec.js';
import { PROMOTIONS_TABLE, REQUESTS_TABLE, RUNS_TABLE } from '../../domain/registry/projection/tables.js';
import { runConsumerProcess } from '../main.js';

export interface RegistryProjector {
  running: Projector['running'];
  /** Events written since start, per table, and dead letters. */
  counts(): { requests: number; runs: number; promotions: number; dead: number };
  stop(): Promise<void>;
}

/** Starts the projector in-process; group id default `registry-projector:<database>` (one projection per database; a new group replays from the beginning). */
export async function startRegistryProjector(cfg: Readonly<Config>, opts: { groupId?: string; log?: Logger } = {}): Promise<RegistryProjector> {
  const p = await startProjector(cfg, REGISTRY_PROJECTION, { groupId: opts.groupId, log: opts.log ?? createLogger('registry-projector'), flushRows: 5_000, flushMs: 200 });
  return {
    running: p.running,
    counts: () => {
      const c = p.counts();
      return { requests: c.rows[REQUESTS_TABLE] ?? 0, runs: c.rows[RUNS_TABLE] ?? 0, promotions: c.rows[PROMOTIONS_TABLE] ?? 0, dead: c.dead };
    },
    stop: () => p.stop(),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runConsumerProcess('registry-projector', async (cfg, log) => {
    const registry = await startRegistryProjector(cfg, { log });
    const backtests = await startProjector(cfg, BACKTEST_PROJECTION, { log: log.child('backtests'), flushRows: 1_000, flushMs: 100 });
    log.info(`projecting the model registry and the backtests into ${cfg.clickhouse.database}`);
    return {
      running: { ...registry.running, done: Promise.race([registry.running.done, backtests.running.done]) },
      stop: async () => {
        await Promise.all([registry.stop(), backtests.stop()]);
      },
    };
  });
}
