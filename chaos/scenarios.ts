/**
 * The faults of the chaos suite, full and short. Each waits until the stream
 * is under way (some rows in ClickHouse, most still to come), then strikes.
 */
import { AppError } from '../lib/errors.js';
import { eventually } from '../lib/testing.js';
import { createKafka } from '../lib/kafka/client.js';
import { kafkaNodeName } from '../stack/services.js';
import { coordinatorNode } from './coordinator.js';
import { killService, restartService, stopService } from './instance.js';
import type { FaultContext, Scenario } from './scenario.js';
import { trainerKill } from './trainer-kill.js';
import { gatewayRestart } from './gateway-restart.js';

const sleep = (s: number) => new Promise((r) => setTimeout(r, s * 1000));

/** Resolves once some rows are in but no more than `fraction` of them. */
async function midStream(ctx: FaultContext, fraction = 0.25): Promise<void> {
  const ok = await eventually(async () => (await ctx.rows()) >= Math.max(1, ctx.total * 0.05), 120_000, 100);
  if (!ok) throw new AppError('CHAOS', 'the stream never started: no rows reached ClickHouse in 120 s');
  const n = await ctx.rows();
  if (n > ctx.total * fraction) ctx.log.warn(`the fault strikes late: ${n} of ${ctx.total} rows already in`);
}

/** SIGKILL of the materializer while it holds an uncommitted batch; the supervisor restarts it. */
export function consumerKill(sim: Scenario['sim']): Scenario {
  return {
    id: 'consumer-kill',
    name: 'materializer SIGKILL mid-batch',
    sim,
    async fault(ctx) {
      await midStream(ctx);
      const m = ctx.supervisor.processes().find((p) => p.name === 'materializer');
      if (!m?.pid) throw new AppError('CHAOS', 'the materializer is not running');
      process.kill(m.pid, 'SIGKILL');
    },
  };
}

/** A service down for `seconds`: stopped (SIGTERM) or killed (SIGKILL), then started again. */
export function serviceOutage(id: string, label: string, service: string, seconds: number, how: 'stop' | 'kill', sim: Scenario['sim']): Scenario {
  return {
    id,
    name: label,
    sim,
    async fault(ctx) {
      await midStream(ctx);
      if (how === 'kill') await killService(ctx.inst, service);
      else await stopService(ctx.inst.cfg, service, 15);
      ctx.log.info(`${service} down for ${seconds} s`);
      await sleep(seconds);
      await restartService(ctx.inst, service);
    },
  };
}

/**
 * One broker of a 3-node cluster stopped during the backfill and kept down
 * until every row is in (replicas on the other two, min.insync.replicas=2);
 * started again at the end so the cluster is whole for what follows. The
 * broker stopped is the materializer group's coordinator, which also leads
 * some sales partitions: the hard case (a consumer that must find a new
 * coordinator, not only new leaders), every time rather than one run in
 * three. The target: every row in within 30 s of the stop, with no process
 * restart (docs/reliability.md, "Broker loss").
 */
export function brokerStop(sim: Scenario['sim']): Scenario {
  let stopped: string | null = null;
  return {
    id: 'broker-loss',
    name: 'one of 3 brokers stopped (the group coordinator)',
    sim,
    within: { recoverS: 30, restarts: 0 },
    async fault(ctx) {
      await midStream(ctx);
      const admin = createKafka(ctx.cfg, 'chaos-coordinator').admin();
      await admin.connect();
      let node: number;
      try {
        node = await coordinatorNode(admin, ctx.cfg.materializer.groupId);
      } finally {
        await admin.disconnect();
      }
      // node ids are 1-based (stack/services.ts kafkaNode)
      stopped = kafkaNodeName(node - 1);
      ctx.log.info(`stopping ${stopped} (node ${node}): coordinator of group ${ctx.cfg.materializer.groupId}`);
      await stopService(ctx.inst.cfg, stopped, 15);
    },
    async after(ctx) {
      if (stopped) await restartService(ctx.inst, stopped);
    },
  };
}

/** Series small enough for a few minutes, big enough for many batches (about 40 events per week). */
const FULL = { seed: 11, stores: 5, depts: 10, startWeek: '2011-01-07', weeks: 100 };
/** Enough weeks for lags, a holdout and a model the trainer can promote. */
const TRAIN = { seed: 7, stores: 3, depts: 4, startWeek: '2010-02-05', weeks: 80 };
const SHORT = { seed: 12, stores: 3, depts: 8, startWeek: '2011-01-07', weeks: 60 };

/** The full suite on a single-node instance. */
export function singleNodeSuite(): Scenario[] {
  return [
    consumerKill(FULL),
    serviceOutage('kafka-stop', 'Kafka stopped 20 s', 'kafka', 20, 'stop', FULL),
    serviceOutage('clickhouse-kill', 'ClickHouse SIGKILL 60 s', 'clickhouse', 60, 'kill', FULL),
    serviceOutage('registry-down', 'schema registry down 30 s', 'registry', 30, 'stop', FULL),
    trainerKill(TRAIN),
    gatewayRestart(TRAIN),
  ];
}

/** The full suite on a 3-node instance. */
export function clusterSuite(): Scenario[] {
  return [brokerStop(FULL)];
}

/**
 * The short version for npm test, on one 3-node instance: a consumer crash
 * and a broker loss (3.5 minutes measured, most of it starting the instance);
 * `--short` with a ClickHouse kill added ran 5 minutes, too long for npm test.
 */
export function shortSuite(): Scenario[] {
  return [consumerKill(SHORT), brokerStop(SHORT)];
}
