/** The load client (a second process) and what the server process did meanwhile. */
import { fork, type ChildProcess } from 'node:child_process';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LoadJob, LoadResult } from '../load-client.js';

const HERE = dirname(fileURLToPath(import.meta.url));

/** Forks bench/load-client.ts: the load comes from its own process (and core). */
export function loadClient(): ChildProcess {
  return fork(join(HERE, '..', 'load-client.ts'), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
}

/** Runs one load job in the client process. */
export function load(child: ChildProcess, job: LoadJob): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    child.once('message', (m: { ok: boolean; result?: LoadResult; error?: string }) => (m.ok ? resolve(m.result!) : reject(new Error(m.error))));
    child.send(job);
  });
}

export interface Observed<T> {
  value: T;
  loopMaxMs: number;
  loopP99Ms: number;
  gcMaxMs: number;
  gcTotalMs: number;
  /** CPU time of this process (ms): for a server in this process, what contention cannot inflate. */
  cpuMs: number;
}

/** Event-loop delay and GC pauses of this (the server) process while `fn` runs: the usual causes of tail latency. */
export async function observed<T>(fn: () => Promise<T>): Promise<Observed<T>> {
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
