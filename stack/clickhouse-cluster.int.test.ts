/**
 * The system on a real 2-shard ClickHouse cluster (ZooKeeper and two shard
 * servers of `npm run stack -- up --clickhouse-shards 2`, started here on
 * their own ports and data, stopped after) gives exactly what one server
 * gives for the same events: the materializer, the forecast projector, the
 * forecast export, the trainer's read and a replay, compared by row counts
 * and content checksums. Both sides are ClickHouse servers of this test (the
 * one-server side is the stack's single-server config on its own port);
 * Kafka and the registry are the shared stack's, with this test's topics.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ClickHouseLogLevel, createClient, type ClickHouseClient } from '@clickhouse/client';
import { bootstrapContracts } from '../lib/kafka/bootstrap.js';
import { createClickhouse, exec, insertRowBinary, rows } from '../lib/clickhouse/client.js';
import { activeRowsSql } from '../lib/clickhouse/ddl.js';
import { rowBinaryEncoder } from '../lib/clickhouse/row-binary.js';
import { loadConfig, withOverrides, type Config } from '../lib/config.js';
import { createKafka } from '../lib/kafka/client.js';
import { createLogger } from '../lib/log.js';
import { startProjector } from '../lib/projection/projector.js';
import { eventually, isolatedConfig } from '../lib/testing.js';
import { addWeeks } from '../lib/weeks.js';
import { forecastExportSql } from '../domain/forecasts/export.js';
import { FORECAST_PROJECTION } from '../domain/forecasts/io/projection.js';
import { FORECASTS_TABLE } from '../domain/forecasts/table.js';
import { SalesProducer } from '../domain/sales/io/producer.js';
import { SALES_COLUMNS, SALES_TABLE, salesRow } from '../domain/sales/table.js';
import { generateHistory } from '../domain/simulation/generator.js';
import type { ForecastPublished, SalesWeek } from '../schemas/types.js';
import { expectedChecksum, tableChecksum as salesChecksum } from '../chaos/checksum.js';
import { startMaterializer } from '../consumers/materializer/main.js';
import { tableChecksum } from '../consumers/replay/checksum.js';
import { selectProjections } from '../consumers/replay/projections.js';
import { replay } from '../consumers/replay/replay.js';
import { liveWeekErrors } from '../trainer/triggers/decay-watcher.js';
import { loadTrainingData } from '../trainer/run/training-data.js';
import { clickhouseShardNode } from './clickhouse-config.js';
import { checkInstall, installZookeeper } from './install.js';
import { clickhouseServices, portOpen } from './services.js';
import { startService, stopService } from './processes.js';

/**
 * Below Linux's ephemeral range and away from the chaos instances
 * (26000-27999): the one-server side on 25100/25200, the shards on
 * 25110/25210 and 25120/25220, ZooKeeper on 25181.
 */
const PORTS = { http: 25100, tcp: 25200, zookeeper: 25181 };

/**
 * A side of the comparison: `shards` local ClickHouse servers of this test
 * (the same binary and config the stack runs), the shared Kafka and registry,
 * the test's topics and database name, its own consumer groups.
 */
function sideConfig(base: Readonly<Config>, name: string, shards: number): Readonly<Config> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    STACK_DIR: join(base.root, '.stack', 'instances', name),
    STACK_INSTALL_DIR: base.installDir,
    CLICKHOUSE_SHARDS: String(shards),
    CLICKHOUSE_HTTP_PORT: String(PORTS.http),
    CLICKHOUSE_TCP_PORT: String(PORTS.tcp),
    ZOOKEEPER_PORT: String(PORTS.zookeeper),
    LOG_LEVEL: 'warn',
  };
  // an explicit address or cluster name would point the side elsewhere
  for (const k of ['CLICKHOUSE_URL', 'CLICKHOUSE_CLUSTER']) delete env[k];
  return withOverrides(loadConfig(env, base.root), (d) => {
    d.topics = base.topics;
    d.clickhouse.database = base.clickhouse.database;
    d.materializer.groupId = `${base.materializer.groupId}-${shards}`;
  });
}

/** Deterministic published forecasts of every series: two model versions at two origins, h = 1..3, the 80% band left out on some. */
function forecastEvents(series: { store: number; dept: number }[], origin: string): ForecastPublished[] {
  const out: ForecastPublished[] = [];
  for (const [i, s] of series.entries()) {
    for (const modelVersion of [1, 2]) {
      for (const o of [origin, addWeeks(origin, 1)]) {
        const base = 1000 + 37 * i + 11 * modelVersion;
        const banded = (i + modelVersion) % 3 !== 0;
        const points = [1, 2, 3].map((h) => ({
          week: addWeeks(o, h),
          horizon: h,
          forecast: base + h * 1.25,
          lower80: banded ? base - 10 * h : null,
          upper80: banded ? base + 10 * h : null,
          lower95: base - 20 * h,
          upper95: base + 20 * h,
        }));
        out.push({ store: s.store, dept: s.dept, origin: o, modelVersion, trigger: 'promotion', points, publishedAt: 1_700_000_000_000 + i });
      }
    }
  }
  return out;
}

const secondsSince = (t0: number) => Math.round((performance.now() - t0) / 100) / 10;

describe('a 2-shard ClickHouse cluster (ON CLUSTER, Replicated locals, Distributed tables) holds what one server holds', () => {
  // the shared stack's Kafka and registry with this test's topics; its ClickHouse is not used
  const test = isolatedConfig('chcluster');
  const scfg = sideConfig(test.cfg, `chcluster-${test.tag}-1`, 1);
  const ccfg = sideConfig(test.cfg, `chcluster-${test.tag}-2`, 2);
  const svcs = clickhouseServices(ccfg);
  const sides = [...clickhouseServices(scfg).map((svc) => ({ cfg: scfg, svc })), ...svcs.map((svc) => ({ cfg: ccfg, svc }))];
  const sch = createClickhouse(scfg);
  const cch = createClickhouse(ccfg);
  const db = scfg.clickhouse.database;
  const replayDb = `${db}_r`;
  const timings: Record<string, number> = {};

  before(async () => {
    installZookeeper(scfg, createLogger('test'));
    for (const c of [scfg, ccfg]) checkInstall(c); // the instances' folders; refuses a shared install without ZooKeeper
    for (const { svc } of sides) for (const p of svc.ports) if (await portOpen(p.port)) throw new Error(`port ${p.port} (${svc.name}) is in use: is another run of this test alive?`);
    await startService(scfg, sides[0]!.svc);
    const t0 = performance.now();
    for (const s of svcs) await startService(ccfg, s);
    timings['cluster start (ZooKeeper + 2 servers)'] = secondsSince(t0);
  });

  after(async () => {
    await Promise.all([sch.close(), cch.close()]);
    for (const { cfg, svc } of [...sides].reverse()) await stopService(cfg, svc.name, 5);
    for (const c of [scfg, ccfg]) rmSync(c.stackDir, { recursive: true, force: true });
    await test.cleanup(); // the topics (its database on the shared ClickHouse was never created)
    console.log(`cluster test timings (s): ${JSON.stringify(timings)}`);
  });

  it('materializer, forecast projector, export, trainer read and replay: equal counts and checksums', { timeout: 600_000 }, async () => {
    assert.equal(ccfg.clickhouse.cluster, 'forecast_cluster');
    assert.equal(ccfg.clickhouse.url, `http://127.0.0.1:${PORTS.http + 10}`, 'the cluster is reached through shard 1');

    // the log: a history, corrections of 40 weeks (a later version must win on its shard) and plain re-sends
    const codec = await bootstrapContracts(scfg);
    const kafka = createKafka(scfg, 'test');
    const producer = await SalesProducer.connect(kafka, codec, scfg);
    const history = [...generateHistory({ seed: 11, stores: 3, depts: 6, startWeek: '2011-03-04', weeks: 60, producedAt: 1 })];
    const corrections = history.slice(0, 40).map((e) => ({ ...e, weeklySales: e.weeklySales * 2, temperature: null }));
    const resent = history.slice(40, 70);
    const log: SalesWeek[] = [...history, ...corrections, ...resent];
    await producer.send(history);
    await producer.send(corrections);
    await producer.send(resent);
    await producer.disconnect();
    const series = [...new Map(history.map((e) => [`${e.store}:${e.dept}`, { store: e.store, dept: e.dept }])).values()];
    // forecasts of the last weeks of the history, so the decay watcher's read finds actuals (and the actuals a year before) for them
    const origin = addWeeks(history[history.length - 1]!.week, -4);
    const forecasts = forecastEvents(series, origin);
    // a republication of the first 20 (the same rows again) and a changed forecast for 10 (the later offset wins)
    const republished = [...forecasts.slice(0, 20), ...forecasts.slice(20, 30).map((f) => ({ ...f, points: f.points.map((p) => ({ ...p, forecast: p.forecast + 0.5 })) }))];
    const fp = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await fp.connect();
    for (const batch of [forecasts, republished]) {
      await fp.send({ topic: scfg.topics.forecastPublished, acks: -1, messages: batch.map((f) => ({ key: `${f.store}:${f.dept}`, value: codec.encode('forecastPublished', f) })) });
    }
    await fp.disconnect();

    // the materializer and the forecast projector, once per side, each with its own consumer groups
    for (const [side, cfg] of [['single', scfg], ['cluster', ccfg]] as const) {
      const t0 = performance.now();
      const m = await startMaterializer(cfg);
      const p = await startProjector(cfg, FORECAST_PROJECTION, { groupId: `${cfg.materializer.groupId}-forecasts` });
      try {
        assert.ok(await eventually(() => m.counts().rows + m.counts().dead >= log.length, 120_000), `${side}: materializer caught up (${m.counts().rows} of ${log.length})`);
        assert.equal(m.counts().dead, 0, `${side}: no dead letters`);
        assert.ok(await p.caughtUp(120_000), `${side}: forecast projector caught up`);
      } finally {
        await m.stop();
        await p.stop();
      }
      timings[`${side}: materializer ${log.length} events + projector ${forecasts.length + republished.length} events`] = secondsSince(t0);
    }

    // the cluster is real: each shard holds part of the series, every series on exactly one shard, all versions of a row with it
    const shardRows: number[] = [];
    for (const i of [1, 2]) {
      const node = createClient({ url: `http://127.0.0.1:${clickhouseShardNode(ccfg, i).httpPort}`, log: { level: ClickHouseLogLevel.OFF } });
      try {
        const [r] = await rows<{ n: string; series: string; raw: string }>(
          node,
          `SELECT count() AS n, uniqExact(store, dept) AS series, (SELECT count() FROM ${db}.${SALES_TABLE}_local) AS raw FROM ${db}.${SALES_TABLE}_local FINAL`,
        );
        shardRows.push(Number(r!.n));
        assert.ok(Number(r!.n) > 0 && Number(r!.series) > 0, `shard ${i} holds rows: ${JSON.stringify(r)}`);
      } finally {
        await node.close();
      }
    }
    assert.equal(shardRows[0]! + shardRows[1]!, history.length, 'FINAL per shard adds up to one row per series-week: no version of a row landed on the other shard');
    // the dashboard's row count (active parts, no scan) sees every shard's rows
    for (const [cfg, ch] of [[scfg, sch], [ccfg, cch]] as const) {
      const [parts] = await rows<{ n: string }>(ch, activeRowsSql(db, SALES_TABLE, cfg.clickhouse.cluster));
      const [raw] = await rows<{ n: string }>(ch, `SELECT count() AS n FROM ${db}.${SALES_TABLE}`);
      assert.ok(Number(raw!.n) >= history.length && Number(parts!.n) === Number(raw!.n), `${cfg.clickhouse.shards} server(s): parts ${parts!.n} = rows ${raw!.n}`);
    }

    // sales: the chaos checksum (the log's expected content) and replay's every-column checksum, equal on both sides
    const expected = expectedChecksum(log);
    assert.equal(expected.rows, history.length);
    assert.deepEqual(await salesChecksum(sch, db), expected, 'one server = the log');
    assert.deepEqual(await salesChecksum(cch, db), expected, 'cluster = the log');
    for (const table of [SALES_TABLE, FORECASTS_TABLE]) {
      const [s, c] = [await tableChecksum(sch, db, { table }), await tableChecksum(cch, db, { table })];
      assert.ok(s.rows > 0);
      assert.deepEqual(c, s, `${table}: every column, cluster = one server`);
    }
    assert.equal((await tableChecksum(cch, db, { table: FORECASTS_TABLE })).rows, forecasts.length * 3, 'one row per series, origin, version and horizon');

    // the export (GET /v1/forecasts) of a week both origins forecast, CSV and NDJSON: byte for byte
    const week = addWeeks(origin, 2);
    for (const csv of [true, false]) {
      const sql = forecastExportSql(db, week, undefined, csv);
      const read = async (ch: typeof sch) => (await ch.exec({ query: sql, clickhouse_settings: { output_format_json_quote_64bit_integers: 0 } })).stream.toArray().then((b) => Buffer.concat(b as Buffer[]).toString());
      const [s, c] = [await read(sch), await read(cch)];
      assert.equal(s.trim().split('\n').length, series.length * 2 * 2 + (csv ? 1 : 0), 'series x versions x origins (+ header)');
      assert.equal(c, s, `export ${csv ? 'CSV' : 'NDJSON'}: cluster = one server`);
    }

    // the trainer's read (FINAL, every column, ordered by series and week)
    const [ts, tc] = [await loadTrainingData(sch, db, null), await loadTrainingData(cch, db, null)];
    assert.equal(tc.rows, history.length);
    assert.deepEqual(tc.topicOffsets, ts.topicOffsets);
    assert.deepEqual([...tc.series.keys()], [...ts.series.keys()]);

    // the decay watcher's read (FINAL subqueries of both tables, joined): the live error of each model version
    for (const version of [1, 2]) {
      const [ds, dc] = [await liveWeekErrors(sch, db, version, 8), await liveWeekErrors(cch, db, version, 8)];
      assert.ok(ds.length > 0 && ds.every((w) => w.points > 0), `version ${version}: weeks scored ${JSON.stringify(ds)}`);
      assert.deepEqual(dc, ds, `decay read of version ${version}: cluster = one server`);
    }

    // replay on each side into a new database: equal to its live tables, and the cluster's to the one server's
    const t1 = performance.now();
    const rs = await replay(scfg, { target: replayDb, projections: selectProjections(['sales', 'forecasts']), from: { kind: 'beginning' } });
    timings[`single: replay of ${rs.events} events`] = secondsSince(t1);
    assert.ok(rs.comparison?.equal, `replay = live on one server: ${JSON.stringify(rs.comparison?.tables)}`);
    const t0 = performance.now();
    const r = await replay(ccfg, { target: replayDb, projections: selectProjections(['sales', 'forecasts']), from: { kind: 'beginning' } });
    timings[`cluster: replay of ${r.events} events`] = secondsSince(t0);
    assert.equal(r.events, log.length + forecasts.length + republished.length);
    assert.ok(r.comparison?.equal, `replay = live on the cluster: ${JSON.stringify(r.comparison?.tables)}`);
    for (const table of [SALES_TABLE, FORECASTS_TABLE]) assert.deepEqual(await tableChecksum(cch, replayDb, { table }), await tableChecksum(sch, db, { table }), `${table}: replayed cluster = one server`);

    // and the comparison sees a difference: one more version of a row written through the Distributed table
    const e = history[100]!;
    await exec(cch, `INSERT INTO ${db}.${SALES_TABLE} (store, dept, week, weekly_sales, event_id, source, version) VALUES (${e.store}, ${e.dept}, toDate('${e.week}'), 1.5, '${e.eventId}', 'test', 999999)`);
    assert.notDeepEqual(await salesChecksum(cch, db), expected, 'a changed row changes the cluster checksum');
    assert.equal((await salesChecksum(cch, db)).rows, history.length, 'still one row per series-week');
  });

  it('needs its session settings (CLUSTER_SETTINGS) on 18.16: a FINAL ... ORDER BY without the version column, and an insert while a shard is down', { timeout: 180_000 }, async () => {
    const bare = createClient({ url: ccfg.clickhouse.url, log: { level: ClickHouseLogLevel.OFF } }); // the cluster without the client's settings
    try {
      const [{ v }] = (await rows<{ v: string }>(bare, 'SELECT version() AS v')) as [{ v: string }];
      // some sorting-key columns, FINAL and ORDER BY (no query of the system has this shape today; the setting keeps the next one working)
      const q = `SELECT store, dept, toString(week) AS week FROM ${db}.${SALES_TABLE} FINAL ORDER BY store, dept, week`;
      const expected = await rows(sch, q);
      assert.ok(expected.length > 0);
      assert.deepEqual(await rows(cch, q), expected, 'with the settings: the one server\'s answer');
      if (v.startsWith('18.')) await assert.rejects(rows(bare, q), /Cannot find column/, `ClickHouse ${v} without prefer_localhost_replica = 0`);
      else assert.deepEqual(await rows(bare, q), expected);

      // shard 2 down: a synchronous insert fails (retriable: the projector does not commit), the default one answers OK half written
      // the materializer's own write: RowBinary rows of 20 series (both shards) in a week of their own
      const names = SALES_COLUMNS.map((c) => c.name);
      const encode = rowBinaryEncoder(SALES_COLUMNS);
      const weekRows = (week: string) => [...generateHistory({ seed: 5, stores: 20, depts: 1, startWeek: week, weeks: 1, producedAt: 1 })].map((e, i) => salesRow(e, 0, i));
      const insert = (ch: ClickHouseClient, week: string) => insertRowBinary(ch, `${db}.${SALES_TABLE}`, names, encode(weekRows(week)));
      const onShard1 = async (week: string) => {
        const [r] = await rows<{ n: string }>(bare, `SELECT count() AS n FROM ${db}.${SALES_TABLE}_local WHERE week = toDate('${week}')`);
        return Number(r!.n);
      };
      const shard2 = svcs.find((s) => s.name === 'clickhouse-shard-2')!;
      await stopService(ccfg, shard2.name, 5);
      try {
        await assert.rejects(insert(cch, '2030-01-04'), (err: Error & { retriable?: boolean }) => /All connection tries failed|Code: 279/.test(err.message) && err.retriable === true);
        await insert(bare, '2030-01-11');
        const [local, sent] = [await onShard1('2030-01-11'), weekRows('2030-01-11').length];
        assert.ok(local > 0 && local < sent, `the default insert answered OK with ${local} of ${sent} rows on the shard that is up`);
      } finally {
        await startService(ccfg, shard2);
      }
    } finally {
      await bare.close();
    }
  });
});
