/**
 * The process supervisor of `npm start`: runs each system process in its
 * own process group (so the terminal's Ctrl-C reaches only the supervisor,
 * and each child gets exactly one SIGTERM from it), restarts a process that
 * exits with backoff (1 s doubling to 30 s, back to 1 s after a minute up),
 * and writes what it sees for the dashboard and /metrics (lib/process/supervision.ts).
 */
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../lib/log.js';
import { writeSupervision, type SupervisedProcess } from '../lib/process/supervision.js';

export interface ProcessSpec {
  name: string;
  /** arguments after `node` */
  args: string[];
}

export interface SupervisorOptions {
  stackDir: string;
  log: Logger;
  env?: NodeJS.ProcessEnv;
  /** when set, each process's output is appended to `<logDir>/<name>.log` instead of the terminal (the chaos suite) */
  logDir?: string;
  /** first restart delay in ms (default 1,000; doubles up to `maxBackoffMs`) */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** how long stop() waits for a process after SIGTERM before SIGKILL (default 130 s: a training run may finish) */
  stopTimeoutMs?: number;
}

interface Slot {
  spec: ProcessSpec;
  child: ChildProcess | null;
  state: SupervisedProcess;
  backoff: number;
  timer: NodeJS.Timeout | null;
}

export class Supervisor {
  private readonly slots: Slot[] = [];
  private stopping = false;
  private readonly backoffMs: number;

  constructor(private readonly opts: SupervisorOptions) {
    this.backoffMs = opts.backoffMs ?? 1_000;
  }

  /** Starts every process, in order. */
  start(specs: ProcessSpec[]): void {
    for (const spec of specs) {
      const slot: Slot = { spec, child: null, backoff: this.backoffMs, timer: null, state: { name: spec.name, pid: null, restarts: 0, since: Date.now(), lastExit: null, lastExitAt: null } };
      this.slots.push(slot);
      this.launch(slot);
    }
  }

  /** What each process is doing now. */
  processes(): SupervisedProcess[] {
    return this.slots.map((s) => ({ ...s.state }));
  }

  private launch(slot: Slot): void {
    const out = this.opts.logDir ? openSync(join(this.opts.logDir, `${slot.spec.name}.log`), 'a') : null;
    const stdio: StdioOptions = out === null ? 'inherit' : ['ignore', out, out];
    const child: ChildProcess = spawn(process.execPath, slot.spec.args, { stdio, env: this.opts.env ?? process.env, detached: true });
    if (out !== null) closeSync(out);
    slot.child = child;
    slot.state = { ...slot.state, pid: child.pid ?? null, since: Date.now() };
    this.opts.log.info(`${slot.spec.name} started (pid ${child.pid})`);
    child.once('exit', (code, signal) => this.exited(slot, code, signal));
    this.save();
  }

  private exited(slot: Slot, code: number | null, signal: NodeJS.Signals | null): void {
    const how = signal ?? `exit ${code}`;
    const upMs = Date.now() - slot.state.since;
    slot.child = null;
    slot.state = { ...slot.state, pid: null, lastExit: how, lastExitAt: Date.now() };
    if (this.stopping) return this.save();
    if (upMs > 60_000) slot.backoff = this.backoffMs;
    this.opts.log.warn(`${slot.spec.name} ended (${how}) after ${(upMs / 1000).toFixed(1)} s; restarting in ${(slot.backoff / 1000).toFixed(1)} s`);
    slot.timer = setTimeout(() => {
      slot.timer = null;
      if (this.stopping) return;
      slot.state = { ...slot.state, restarts: slot.state.restarts + 1 };
      this.launch(slot);
    }, slot.backoff);
    slot.backoff = Math.min(this.opts.maxBackoffMs ?? 30_000, slot.backoff * 2);
    this.save();
  }

  /** One SIGTERM to each process group, in reverse start order; waits, then SIGKILL for what is left. */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const s of this.slots) if (s.timer) clearTimeout(s.timer);
    const running = [...this.slots].reverse().filter((s) => s.child && s.child.exitCode === null && s.child.signalCode === null);
    const exits = running.map((s) => new Promise<void>((r) => s.child!.once('exit', () => r())));
    for (const s of running) signalGroup(s.child!, 'SIGTERM');
    const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), this.opts.stopTimeoutMs ?? 130_000).unref());
    if ((await Promise.race([Promise.all(exits), timeout])) === 'timeout') {
      for (const s of running) if (s.child) signalGroup(s.child, 'SIGKILL');
    }
    this.save();
  }

  private save(): void {
    try {
      writeSupervision(this.opts.stackDir, { supervisorPid: process.pid, updatedAt: Date.now(), processes: this.processes() });
    } catch (err) {
      this.opts.log.warn(`could not write the supervision state: ${(err as Error).message}`);
    }
  }
}

/** Signals a child's whole process group (it was started detached), falling back to the child alone. */
function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (child.pid) process.kill(-child.pid, signal);
  } catch {
    child.kill(signal);
  }
}
