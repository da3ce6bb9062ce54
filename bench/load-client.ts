/**
 * The load generator of the predict benchmark, run as a child process
 * (child_process.fork) so the server under test has its own core. Keep-alive
 * sockets, one request per socket at a time.
 *
 * Two shapes: `closed` keeps `concurrency` requests in flight for the whole
 * run (throughput); `open` starts requests at a fixed `rate` whatever the
 * server does and measures each latency from its scheduled start, so a
 * stall shows up in the percentiles instead of silently slowing the sender
 * (no coordinated omission).
 */
import { Agent, request } from 'node:http';

export interface LoadJob {
  url: string;
  path: string;
  /** Request bodies, cycled. */
  bodies: string[];
  mode: 'closed' | 'open';
  concurrency: number;
  /** Requests per second (open mode). */
  rate?: number;
  durationMs: number;
  warmupMs: number;
}

export interface LoadResult {
  requests: number;
  errors: number;
  /** First non-200 status or error message seen, for the report. */
  firstError: string | null;
  seconds: number;
  rps: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  /** When (s after the measured window opened) the slowest requests were scheduled, and how long they took (ms). */
  slowest: [number, number][];
}

function post(agent: Agent, url: URL, path: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      { agent, host: url.hostname, port: url.port, path, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const pct = (sorted: Float64Array, p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? Number.NaN;

/** Runs one job; latencies in milliseconds. */
export async function runLoad(job: LoadJob): Promise<LoadResult> {
  const url = new URL(job.url);
  const agent = new Agent({ keepAlive: true, maxSockets: job.concurrency, maxFreeSockets: job.concurrency });
  const lat: number[] = [];
  const at: number[] = [];
  let errors = 0;
  let firstError: string | null = null;
  let i = 0;
  const t0 = performance.now();
  const measureFrom = t0 + job.warmupMs;
  const end = measureFrom + job.durationMs;
  const one = async (scheduled: number) => {
    const body = job.bodies[i++ % job.bodies.length]!;
    try {
      const status = await post(agent, url, job.path, body);
      const done = performance.now();
      if (scheduled >= measureFrom && scheduled < end) {
        lat.push(done - scheduled);
        at.push(scheduled - measureFrom);
        if (status !== 200) {
          errors++;
          firstError ??= `HTTP ${status}`;
        }
      }
    } catch (err) {
      if (scheduled >= measureFrom) {
        errors++;
        firstError ??= (err as Error).message;
      }
    }
  };
  if (job.mode === 'closed') {
    await Promise.all(
      Array.from({ length: job.concurrency }, async () => {
        while (performance.now() < end) await one(performance.now());
      }),
    );
  } else {
    await openLoop(t0, end, job.rate ?? 1000, one);
  }
  agent.destroy();
  const sorted = Float64Array.from(lat).sort();
  const seconds = job.durationMs / 1000;
  return {
    requests: lat.length,
    errors,
    firstError,
    seconds,
    rps: lat.length / seconds,
    p50: pct(sorted, 0.5),
    p90: pct(sorted, 0.9),
    p99: pct(sorted, 0.99),
    max: sorted[sorted.length - 1] ?? Number.NaN,
    slowest: lat
      .map((l, k) => [+(at[k]! / 1000).toFixed(3), +l.toFixed(1)] as [number, number])
      .sort((a, b) => b[1] - a[1])
      .slice(0, 12),
  };
}

/** Open loop: starts `one(scheduled)` at `rate` per second from t0 until `end`, whether or not earlier requests answered, then waits for all. */
async function openLoop(t0: number, end: number, rate: number, one: (scheduled: number) => Promise<void>): Promise<void> {
  const inflight = new Set<Promise<void>>();
  let sent = 0;
  while (performance.now() < end) {
    const due = Math.floor(((performance.now() - t0) * rate) / 1000);
    while (sent < due) {
      const scheduled = t0 + (sent * 1000) / rate;
      sent++;
      const p = one(scheduled).finally(() => inflight.delete(p));
      inflight.add(p);
    }
    await new Promise((r) => setTimeout(r, 1));
  }
  await Promise.all(inflight);
}

// As a forked child: receive jobs, answer results.
if (process.send) {
  process.on('message', (job: LoadJob) => {
    runLoad(job).then(
      (r) => process.send!({ ok: true, result: r }),
      (err: unknown) => process.send!({ ok: false, error: (err as Error).message }),
    );
  });
}
