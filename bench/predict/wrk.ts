/**
 * Closed-loop load from wrk (Debian's package, installed by
 * stack/install.ts): a native generator, so the figures near the top are the
 * server's and not the client's. A Node client driving the same echo server
 * topped out near 17k requests/s where wrk reached 23-29k (issue 22), which
 * compressed every ratio against the echo. Loopback only, bounded by `-d`.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'wrk.lua');

export interface WrkJob {
  /** http://127.0.0.1:port: the benchmark loads nothing but loopback servers. */
  url: string;
  path: string;
  /** JSON bodies (no newlines), sent in turn. */
  bodies: readonly string[];
  connections: number;
  /** Whole seconds (wrk's unit), at least 1. */
  seconds: number;
}

export interface WrkResult {
  requests: number;
  errors: number;
  firstError: string | null;
  seconds: number;
  /** Latencies in milliseconds (closed loop: under full load, not at a set rate). */
  p50: number;
  p99: number;
  max: number;
}

/** Runs wrk once (one thread: the server under test gets the other core). */
export async function runWrk(job: WrkJob): Promise<WrkResult> {
  const url = new URL(job.path, job.url);
  if (url.hostname !== '127.0.0.1' && url.hostname !== 'localhost') throw new Error(`wrk: only loopback targets, got ${url.hostname}`);
  const dir = await mkdtemp(join(tmpdir(), 'bench-wrk-'));
  try {
    const file = join(dir, 'bodies.txt');
    await writeFile(file, job.bodies.join('\n') + '\n');
    const seconds = Math.max(1, Math.round(job.seconds));
    const args = ['-t1', `-c${job.connections}`, `-d${seconds}s`, '--timeout', '5s', '-s', SCRIPT, url.href, '--', file];
    const out = await new Promise<string>((resolve, reject) => {
      const child = spawn('wrk', args, { stdio: ['ignore', 'pipe', 'pipe'] });
      let text = '';
      child.stdout.on('data', (c: Buffer) => (text += c.toString()));
      child.stderr.on('data', (c: Buffer) => (text += c.toString()));
      // a hard bound besides wrk's own -d: the benchmark never leaves load running
      const timer = setTimeout(() => child.kill('SIGKILL'), (seconds + 30) * 1000);
      child.once('error', (err) => {
        clearTimeout(timer);
        reject(new Error(`wrk could not start (${err.message}): npm run bench installs it from Debian (stack/install.ts, installBenchTools)`));
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        if (code === 0) resolve(text);
        else reject(new Error(`wrk exited with ${code}: ${text.trim().split('\n').slice(-5).join(' | ')}`));
      });
    });
    return parseWrk(out);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The figures of wrk's output (the script's WRK_RESULT line); throws when the line is missing. */
export function parseWrk(out: string): WrkResult {
  const line = out.split('\n').find((l) => l.startsWith('WRK_RESULT '));
  if (!line) throw new Error(`wrk printed no result line: ${out.trim().split('\n').slice(-5).join(' | ')}`);
  const r = JSON.parse(line.slice('WRK_RESULT '.length)) as Record<string, number>;
  const socket = r.connect! + r.read! + r.write! + r.timeout!;
  const errors = socket + r.status!;
  return {
    requests: r.requests!,
    errors,
    firstError: r.status! > 0 ? `${r.status} non-2xx/3xx answers` : socket > 0 ? `socket errors: connect ${r.connect}, read ${r.read}, write ${r.write}, timeout ${r.timeout}` : null,
    seconds: r.durationUs! / 1e6,
    p50: r.p50Us! / 1000,
    p99: r.p99Us! / 1000,
    max: r.maxUs! / 1000,
  };
}
