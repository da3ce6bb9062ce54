/**
 * Gateway start with and without a snapshot: `npm run bench -- --restart 16`
 * (the multiplier of the calibrated simulator's series; default 16). On
 * fresh topics and a fresh database: the generated history is produced; a
 * gateway process starts with no snapshot stored (the full fold), is stopped
 * with SIGTERM (it writes its snapshot at shutdown); the next simulated week
 * is produced (M events after the snapshot); a second gateway starts from the
 * snapshot. Per start: spawn to the online state caught up (/readyz `state`
 * check; no model is trained here, so the model check stays red: its load
 * does not grow with the series), resident memory and memory per series,
 * and the shutdown (the snapshot write) time. Forecast publishing is off so
 * both starts do the same work. With `--compare DIR` (a checkout of other
 * code, e.g. `git archive <commit>` with node_modules linked), that code and
 * this one each restore the same snapshot twice, alternating, in the same
 * minutes (stopped with SIGKILL so the snapshot stays the one measured);
 * the last start of this code is then stopped with SIGTERM as above. Each
 * start's `start-up <phase>` log lines are printed.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { bootstrapContracts } from '../lib/kafka/bootstrap.js';
import { loadConfig, type Config } from '../lib/config.js';
import { createKafka } from '../lib/kafka/client.js';
import { setLogLevel } from '../lib/log.js';
import { SalesProducer } from '../domain/sales/io/producer.js';
import { generateHistory, generateWeek, historyEventCount, scaledOptions } from '../domain/simulation/generator.js';
import { WEB_DIST } from '../gateway/server.js';
import { dropFresh, freshConfig } from './backfill.js';
import { freePort } from './free-port.js';
import { rssMb } from './materializer-process.js';

const s1 = (ms: number) => +(ms / 1000).toFixed(1);

interface Start {
  readyMs: number;
  rssMb: number;
  stopMs: number;
  /** the gateway's own lines about snapshots and its catch-up */
  lines: string[];
}

/** One gateway process (from `cwd`, default this checkout): spawn -> /readyz state check ok -> RSS -> `stop` (SIGTERM writes a snapshot, SIGKILL none) -> exit. */
async function gatewayStart(cfg: Readonly<Config>, prefix: string, opts: { cwd?: string; stop?: 'SIGTERM' | 'SIGKILL' } = {}): Promise<Start> {
  const port = await freePort();
  const t0 = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', 'gateway/main.ts'], {
    ...(opts.cwd ? { cwd: opts.cwd } : {}),
    env: {
      ...process.env,
      TOPIC_PREFIX: prefix,
      CLICKHOUSE_DATABASE: cfg.clickhouse.database,
      GATEWAY_PORT: String(port),
      GATEWAY_ACCESS_LOG: 'false',
      GATEWAY_PUBLISH_FORECASTS: 'false',
      GATEWAY_SNAPSHOTS: 'true',
      GATEWAY_SNAPSHOT_EVERY_S: '0',
      LOG_LEVEL: 'info',
      LOG_FORMAT: 'text',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const lines: string[] = [];
  let tail = '';
  child.stderr!.on('data', (b: Buffer) => {
    const text = tail + b.toString();
    const parts = text.split('\n');
    tail = parts.pop() ?? '';
    for (const l of parts) lines.push(`+${s1(performance.now() - t0)} s ${l.replace(/^\S+ +\w+ +/, '')}`);
  });
  const exited = new Promise<void>((res) => child.once('exit', () => res()));
  try {
    const until = Date.now() + 20 * 60_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`the gateway exited (${child.exitCode}) before its state caught up`);
      if (Date.now() > until) throw new Error('the gateway state did not catch up within 20 minutes');
      const ok = await fetch(`http://127.0.0.1:${port}/readyz`).then(
        async (r) => ((await r.json()) as { checks?: { state?: { ok?: boolean } } }).checks?.state?.ok === true,
        () => false,
      );
      if (ok) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const readyMs = performance.now() - t0;
    const rss = await rssMb(child.pid);
    const s0 = performance.now();
    child.kill(opts.stop ?? 'SIGTERM');
    await exited;
    return { readyMs, rssMb: rss, stopMs: performance.now() - s0, lines };
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    await exited;
  }
}

async function main(): Promise<void> {
  const base = loadConfig();
  setLogLevel('warn');
  const i = process.argv.indexOf('--restart');
  const multiplier = Number(i >= 0 && /^\d+$/.test(process.argv[i + 1] ?? '') ? process.argv[i + 1] : 16);
  const c = process.argv.indexOf('--compare');
  const compare = c >= 0 ? process.argv[c + 1] : undefined;
  if (c >= 0 && (!compare || !existsSync(join(compare, 'gateway', 'main.ts')))) throw new Error(`--compare: ${compare ?? '(nothing)'} is not a checkout with gateway/main.ts`);
  if (!existsSync(join(WEB_DIST, 'index.html'))) spawnSync('npx', ['vite', 'build', 'web', '--logLevel', 'warn'], { stdio: 'inherit' });
  const { cfg, prefix } = freshConfig(base, 'r');
  const sim = scaledOptions({ seed: cfg.simulator.seed, stores: cfg.simulator.stores, depts: cfg.simulator.depts, startWeek: cfg.simulator.startWeek, weeks: cfg.simulator.weeks }, multiplier);
  try {
    const codec = await bootstrapContracts(cfg);
    const producer = await SalesProducer.connect(createKafka(cfg, 'bench-restart'), codec, cfg);
    const p0 = performance.now();
    const events = await producer.send(generateHistory({ ...sim, producedAt: 1_700_000_000_000 }), { total: historyEventCount(sim) });
    console.log(`x${multiplier}: ${events} events produced in ${s1(performance.now() - p0)} s`);
    const full = await gatewayStart(cfg, prefix);
    const next = generateWeek({ ...sim, producedAt: 1_700_000_000_000 }, cfg.simulator.weeks);
    await producer.send(next);
    await producer.disconnect();
    const compared: [string, Start][] = [];
    if (compare) {
      for (let round = 1; round <= 2; round++) {
        compared.push([`from the snapshot, ${compare} (${round})`, await gatewayStart(cfg, prefix, { cwd: compare, stop: 'SIGKILL' })]);
        if (round === 1) compared.push([`from the snapshot, this code (${round})`, await gatewayStart(cfg, prefix, { stop: 'SIGKILL' })]);
      }
    }
    const restored = await gatewayStart(cfg, prefix);
    if (compare) compared.push(['from the snapshot, this code (2)', restored]);
    const series = Number(/(\d+) series/.exec(full.lines.find((l) => l.includes('online state caught up')) ?? '')?.[1] ?? Number.NaN);
    const row = (name: string, s: Start) => ({
      start: name,
      'spawn to state caught up s': s1(s.readyMs),
      'RSS MB': Math.round(s.rssMb),
      'RSS KB per series': Math.round((s.rssMb * 1024) / series),
      'SIGTERM to exit s (snapshot write)': s1(s.stopMs),
    });
    for (const [name, s] of [['full fold', full] as const, ...compared, ['from the snapshot', restored] as const]) {
      console.log(`  -- ${name}`);
      for (const l of s.lines) console.log(`  ${l}`);
    }
    console.log(`\n== gateway start at x${multiplier}: ${series} series, ${events} events, then ${next.length} events after the snapshot; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
    console.table([row('full fold (no snapshot stored)', full), ...(compare ? compared.map(([n, s]) => row(n, s)) : [row('from the snapshot', restored)])]);
    console.log(`speed-up: ${(full.readyMs / restored.readyMs).toFixed(1)}x; target <= 10 s at x16: ${restored.readyMs <= 10_000 ? 'met' : 'missed'}`);
  } finally {
    await dropFresh(cfg);
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
