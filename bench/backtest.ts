/**
 * Backtest benchmark: a 39-cut-off walk-forward backtest, refit every 4 (10
 * XGBoost fits with the trainer's defaults), h = 1..4 (the rolling
 * evaluation; --horizon H for another), on the
 * full generated history (~3,300 series x 143 weeks ~ 420k events) read from
 * its own topic. Producing the history is setup and is not timed. Prints
 * wall time, events/s and where the time went. Target: under 5 minutes.
 *
 *   npx tsx bench/backtest.ts                 produce into a unique prefix, bench, delete it
 *   npx tsx bench/backtest.ts --keep          ... and keep the topics and the report (prints the prefix)
 *   npx tsx bench/backtest.ts --prefix P.     bench on topics a previous --keep left (no producing)
 */
import { bandTableText } from '../trainer/backtest/band-table.js';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClickhouse, exec } from '../lib/clickhouse/client.js';
import { loadConfig, topicNames, withOverrides } from '../lib/config.js';
import { createKafka } from '../lib/kafka/client.js';
import { createLogger, setLogLevel } from '../lib/log.js';
import { generateHistory } from '../domain/simulation/generator.js';
import { SalesProducer } from '../domain/sales/io/producer.js';
import { bootstrapContracts } from '../lib/kafka/bootstrap.js';
import { parseRequest } from '../domain/backtest/request.js';
import { runBacktest } from '../trainer/backtest/run.js';

const flag = (name: string) => process.argv.includes(`--${name}`);
const option = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? undefined : process.argv[i + 1];
};

setLogLevel('warn');
const log = createLogger('bench');
const keep = flag('keep');
const reuse = option('prefix');
const prefix = reuse ?? `bt${Date.now().toString(36)}${randomUUID().slice(0, 4)}.`;
const cfg = withOverrides(loadConfig(), (d) => {
  d.topics = topicNames(prefix);
  d.clickhouse.database = `bench_${prefix.replace(/[^A-Za-z0-9_]/g, '_')}`;
});
const out = mkdtempSync(join(tmpdir(), 'bench-backtest-'));
const kafka = createKafka(cfg, 'bench');

try {
  if (!reuse) {
    const t = performance.now();
    const codec = await bootstrapContracts(cfg);
    const producer = await SalesProducer.connect(kafka, codec, cfg);
    const sent = await producer.send(generateHistory({ ...cfg.simulator, producedAt: 1_700_000_000_000 }));
    await producer.disconnect();
    process.stderr.write(`setup: produced ${sent.toLocaleString('en-US')} events into ${cfg.topics.sales} in ${((performance.now() - t) / 1000).toFixed(1)} s (not timed)\n`);
  }
  const hi = process.argv.indexOf('--horizon');
  const req = parseRequest({ cutoffs: 39, refitEvery: 4, out, ...(hi > 0 ? { horizon: process.argv[hi + 1] } : {}) }, 4);
  const t0 = performance.now();
  const r = await runBacktest(cfg, req, {
    log,
    onProgress: (p) => {
      if (p.phase === 'cutoff') {
        const refit = p.refit ? ` refit ${p.refit.trainRows.toLocaleString('en-US')} rows ${(p.refit.ms / 1000).toFixed(1)}s` : '';
        process.stderr.write(`cut-off ${p.index}/${p.total} ${p.cutoff}${refit} elapsed ${(p.elapsedMs / 1000).toFixed(0)}s eta ${(p.etaMs / 1000).toFixed(0)}s\n`);
      }
    },
  });
  const wall = (performance.now() - t0) / 1000;
  const refitS = r.refits.reduce((a, x) => a + x.ms, 0) / 1000;
  const o = r.metrics.overall;
  const pct = (v: number | undefined) => (v === undefined ? '-' : `${(v * 100).toFixed(2)}%`);
  console.table({
    events: r.data.events,
    series: r.data.series,
    'cut-offs': r.cutoffs.length,
    horizon: r.spec.horizon,
    refits: r.refits.length,
    points: r.metrics.points,
    'wall s (request to recorded)': +wall.toFixed(1),
    'events/s (events / wall)': Math.round(r.data.events / wall),
    'read s': +(r.timings.readMs! / 1000).toFixed(1),
    'read events/s': Math.round(r.data.read / (r.timings.readMs! / 1000)),
    'walk-forward s': +(r.timings.walkMs! / 1000).toFixed(1),
    '  of which refits s': +refitS.toFixed(1),
    'write files s': +(r.timings.writeMs! / 1000).toFixed(1),
    'peak RSS MB (node)': Math.round(process.resourceUsage().maxRSS / 1024),
    'under 5 min': String(wall < 300),
  });
  console.table(Object.fromEntries(r.metrics.methods.map((m) => [m, { WAPE: pct(o[m]?.wape), MAE: Math.round(o[m]?.mae ?? NaN), RMSE: Math.round(o[m]?.rmse ?? NaN), WMAE: Math.round(o[m]?.wmae ?? NaN) }])));
  console.log(bandTableText(r.metrics));
  if (keep) process.stderr.write(`kept: --prefix ${prefix}  report ${r.files.report}\n`);
} finally {
  if (!keep) {
    rmSync(out, { recursive: true, force: true });
    const ch = createClickhouse(cfg);
    await exec(ch, `DROP DATABASE IF EXISTS ${cfg.clickhouse.database}`).catch(() => undefined);
    await ch.close();
    if (!reuse) {
      const admin = kafka.admin();
      await admin.connect();
      const existing = new Set(await admin.listTopics());
      await admin.deleteTopics({ topics: Object.values(cfg.topics).filter((t) => existing.has(t)) }).catch(() => undefined);
      await admin.disconnect();
    }
  }
}
