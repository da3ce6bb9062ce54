/**
 * The sales materializer as its own process, the way `npm start` runs it,
 * for benchmarks: sharing the benchmark's event loop with the producer would
 * measure one thread doing both jobs. Configured through the environment
 * like any deployment (topic prefix, database, group).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Config } from '../lib/config.js';
import { createKafka } from '../lib/kafka/client.js';

export interface MaterializerProcess {
  child: ChildProcess;
  /** Peak resident memory of the child in MB, sampled every 500 ms. */
  peakRssMb(): number;
  /** SIGTERM (flush, commit, leave the group), then waits for the exit. */
  stop(): Promise<void>;
}

/** Resident memory of a process in MB from /proc (0 when it is gone). */
export async function rssMb(pid: number | undefined): Promise<number> {
  if (!pid) return 0;
  const { readFile } = await import('node:fs/promises');
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const kb = /VmRSS:\s+(\d+)/.exec(status)?.[1];
  return kb ? Number(kb) / 1024 : 0;
}

/**
 * Starts consumers/materializer/main.ts for `cfg`'s topics (`prefix`),
 * database and group, and resolves once its group is Stable with a member
 * (so a clock started afterwards does not time the join).
 */
export async function spawnMaterializer(cfg: Readonly<Config>, prefix: string): Promise<MaterializerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'consumers/materializer/main.ts'], {
    env: {
      ...process.env,
      TOPIC_PREFIX: prefix,
      CLICKHOUSE_DATABASE: cfg.clickhouse.database,
      MATERIALIZER_GROUP: cfg.materializer.groupId,
      MATERIALIZER_METRICS_PORT: '0',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  let peak = 0;
  const sampler = setInterval(() => void rssMb(child.pid).then((mb) => (peak = Math.max(peak, mb))), 500);
  const exited = new Promise<void>((res) => child.once('exit', () => res()));
  const stop = async () => {
    clearInterval(sampler);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  try {
    await waitForGroup(cfg, cfg.materializer.groupId, () => child.exitCode !== null);
  } catch (err) {
    await stop();
    throw err;
  }
  return { child, peakRssMb: () => peak, stop };
}

async function waitForGroup(cfg: Readonly<Config>, groupId: string, dead: () => boolean, timeoutMs = 60_000): Promise<void> {
  const admin = createKafka(cfg, 'bench-group-watch').admin();
  await admin.connect();
  try {
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      if (dead()) throw new Error('the materializer process exited before joining its group');
      const g = (await admin.describeGroups([groupId])).groups[0];
      if (g?.state === 'Stable' && g.members.length > 0) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`the materializer did not join group ${groupId} within ${timeoutMs / 1000} s`);
  } finally {
    await admin.disconnect();
  }
}
