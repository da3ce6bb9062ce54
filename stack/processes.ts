/**
 * The lifecycle of the stack's service processes: started detached (they
 * outlive the CLI) with a pid file in .stack/run and a log in .stack/logs,
 * waited on until healthy, stopped with SIGTERM then SIGKILL. What each
 * service is (its command, ports and health check) is in services.ts.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../lib/config.js';
import { AppError } from '../lib/errors.js';
import { stackPaths } from './install.js';
import { portOpen, type Service } from './services.js';

function pidFile(cfg: Readonly<Config>, name: string): string {
  return join(stackPaths(cfg).run, `${name}.pid`);
}

/** The pid of a service this stack started, if that process is still alive. */
export function runningPid(cfg: Readonly<Config>, name: string): number | null {
  const f = pidFile(cfg, name);
  if (!existsSync(f)) return null;
  const pid = Number(readFileSync(f, 'utf8'));
  try {
    process.kill(pid, 0);
    return pid;
  } catch {
    rmSync(f, { force: true });
    return null;
  }
}

/** Log file of a service. */
export function logFile(cfg: Readonly<Config>, name: string): string {
  return join(stackPaths(cfg).logs, `${name}.log`);
}

/**
 * Starts a service detached (it outlives this process), logging to
 * .stack/logs/<name>.log, and waits until it is healthy. Returns false when it
 * was already running (started earlier by this stack).
 */
export async function startService(cfg: Readonly<Config>, svc: Service, onWait?: (s: number) => void): Promise<boolean> {
  if (runningPid(cfg, svc.name) !== null && (await waitHealthy(svc, svc.startTimeoutS))) return false;
  for (const { port, variable } of svc.ports) {
    if (await portOpen(port)) {
      throw new AppError('PORT_TAKEN', `${svc.name}: port ${port} is already in use by another process; free it or set ${variable} in .env`);
    }
  }
  const { cmd, args, cwd } = svc.prepare();
  mkdirSync(stackPaths(cfg).logs, { recursive: true });
  const out = openSync(logFile(cfg, svc.name), 'a');
  const child = spawn(cmd, args, { cwd, detached: true, stdio: ['ignore', out, out] });
  child.unref();
  writeFileSync(pidFile(cfg, svc.name), String(child.pid));
  let exited = false;
  child.once('exit', () => (exited = true));
  const started = Date.now();
  while ((Date.now() - started) / 1000 < svc.startTimeoutS) {
    if (exited) break;
    if (await svc.healthy()) return true;
    onWait?.(Math.round((Date.now() - started) / 1000));
    await new Promise((r) => setTimeout(r, 500));
  }
  const tail = readFileSync(logFile(cfg, svc.name), 'utf8').split('\n').slice(-12).join('\n');
  await stopService(cfg, svc.name);
  throw new AppError('STACK', `${svc.name} did not become healthy within ${svc.startTimeoutS}s; last log lines:\n${tail}`);
}

async function waitHealthy(svc: Service, seconds: number): Promise<boolean> {
  const until = Date.now() + seconds * 1000;
  while (Date.now() < until) {
    if (await svc.healthy()) return true;
    await new Promise((r) => setTimeout(r, 500));
  }
  return false;
}

/** Stops a service this stack started: SIGTERM, then SIGKILL after a grace period (seconds). */
export async function stopService(cfg: Readonly<Config>, name: string, graceS = 20): Promise<boolean> {
  const pid = runningPid(cfg, name);
  if (pid === null) return false;
  const signal = (s: NodeJS.Signals) => {
    try {
      process.kill(-pid, s); // the whole process group (detached)
    } catch {
      try {
        process.kill(pid, s);
      } catch {
        /* already gone */
      }
    }
  };
  signal('SIGTERM');
  const until = Date.now() + graceS * 1000;
  while (Date.now() < until && runningPid(cfg, name) !== null) await new Promise((r) => setTimeout(r, 200));
  if (runningPid(cfg, name) !== null) signal('SIGKILL');
  rmSync(pidFile(cfg, name), { force: true });
  return true;
}
