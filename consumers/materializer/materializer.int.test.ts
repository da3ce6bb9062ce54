import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { createClickhouse, rows } from '../../lib/clickhouse/client.js';
import { createKafka } from '../../lib/kafka/client.js';
import { eventually, isolatedConfig, isolatedEnv } from '../../lib/testing.js';
import { bootstrapContracts } from '../../lib/kafka/bootstrap.js';
import { generateHistory } from '../../domain/simulation/generator.js';
import { SalesProducer } from '../../domain/sales/io/producer.js';
import type { SalesWeek } from '../../schemas/types.js';
import { startMaterializer, type Materializer } from './main.js';

const SIM = { seed: 7, stores: 3, depts: 5, startWeek: '2011-01-07', weeks: 40 };

async function count(ch: ReturnType<typeof createClickhouse>, db: string, final = false): Promise<number> {
  const r = await rows<{ n: string }>(ch, `SELECT count() AS n FROM ${db}.sales_weekly${final ? ' FINAL' : ''}`);
  return Number(r[0]?.n ?? 0);
}

describe('materializer: sales.weekly -> ClickHouse', () => {
  const { cfg, cleanup } = isolatedConfig('mat');
  const ch = createClickhouse(cfg);
  let producer: SalesProducer;
  let m: Materializer;
  const events: SalesWeek[] = [...generateHistory({ ...SIM, producedAt: 1_700_000_000_000 })];

  before(async () => {
    const codec = await bootstrapContracts(cfg);
    producer = await SalesProducer.connect(createKafka(cfg, 'test'), codec, cfg);
    m = await startMaterializer(cfg);
  });
  after(async () => {
    await m?.stop();
    await producer?.disconnect();
    await cleanup();
    await ch.close();
  });

  it('N events in gives exactly N series-weeks with the right values', async () => {
    await producer.send(events);
    const db = cfg.clickhouse.database;
    assert.ok(await eventually(async () => (await count(ch, db)) >= events.length, 60_000), 'all rows arrive');
    assert.equal(await count(ch, db, true), events.length);
    const distinct = await rows<{ n: string }>(ch, `SELECT uniqExact(store, dept, week) AS n FROM ${db}.sales_weekly`);
    assert.equal(Number(distinct[0]?.n), events.length);
    const sample = events[Math.floor(events.length / 2)]!;
    const got = await rows<{ weekly_sales: number; is_holiday: number; cpi: number | null; source: string }>(
      ch,
      `SELECT weekly_sales, is_holiday, cpi, source FROM ${db}.sales_weekly FINAL WHERE store = ${sample.store} AND dept = ${sample.dept} AND week = toDate('${sample.week}')`,
    );
    assert.equal(got.length, 1);
    assert.equal(got[0]!.weekly_sales, sample.weeklySales);
    assert.equal(got[0]!.is_holiday, sample.isHoliday ? 1 : 0);
    assert.equal(got[0]!.cpi, sample.cpi);
    const sums = await rows<{ s: number }>(ch, `SELECT sum(weekly_sales) AS s FROM ${db}.sales_weekly FINAL`);
    const expected = events.reduce((a, e) => a + e.weeklySales, 0);
    assert.ok(Math.abs(sums[0]!.s - expected) < 1e-6 * Math.abs(expected));
  });

  it('re-sending the same weeks is an upsert, never a duplicate', async () => {
    const db = cfg.clickhouse.database;
    const resend = events.slice(0, 50).map((e) => ({ ...e, weeklySales: e.weeklySales + 1, producedAt: e.producedAt + 1 }));
    await producer.send(resend);
    const first = resend[0]!;
    assert.ok(
      await eventually(async () => {
        const r = await rows<{ s: number }>(ch, `SELECT weekly_sales AS s FROM ${db}.sales_weekly FINAL WHERE store = ${first.store} AND dept = ${first.dept} AND week = toDate('${first.week}')`);
        return r.length === 1 && r[0]!.s === first.weeklySales;
      }, 30_000),
      'the corrected value wins',
    );
    assert.equal(await count(ch, db, true), events.length);
  });
});

describe('materializer: killed mid-stream and restarted', () => {
  const { cfg, prefix, cleanup } = isolatedConfig('kill');
  const ch = createClickhouse(cfg);
  const children: ChildProcess[] = [];
  const spawnMaterializer = () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'consumers/materializer/main.ts'], {
      env: { ...isolatedEnv(cfg, prefix), MATERIALIZER_BATCH_ROWS: '500', MATERIALIZER_BATCH_MS: '50' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    children.push(child);
    return child;
  };
  after(async () => {
    for (const c of children) c.kill('SIGKILL');
    await cleanup();
    await ch.close();
  });

  it('loses nothing and duplicates nothing', async () => {
    const codec = await bootstrapContracts(cfg);
    const producer = await SalesProducer.connect(createKafka(cfg, 'test'), codec, cfg);
    const events = [...generateHistory({ ...SIM, seed: 11, weeks: 80, producedAt: 1_700_000_000_000 })];
    await producer.send(events);
    await producer.disconnect();
    const db = cfg.clickhouse.database;
    const first = spawnMaterializer();
    // kill it hard once it has written part of the stream, before it is done
    assert.ok(await eventually(async () => (await count(ch, db).catch(() => 0)) > 0, 60_000, 20), 'first rows arrive');
    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));
    const partial = await count(ch, db);
    assert.ok(partial < events.length, `killed mid-stream (${partial} of ${events.length} rows written)`);
    spawnMaterializer();
    assert.ok(await eventually(async () => (await count(ch, db, true)) === events.length, 60_000), 'every row arrives after the restart');
    const dups = await rows<{ n: string }>(ch, `SELECT count() AS n FROM (SELECT store, dept, week FROM ${db}.sales_weekly FINAL GROUP BY store, dept, week HAVING count() > 1)`);
    assert.equal(Number(dups[0]?.n), 0);
    const sums = await rows<{ s: number }>(ch, `SELECT sum(weekly_sales) AS s FROM ${db}.sales_weekly FINAL`);
    const expected = events.reduce((a, e) => a + e.weeklySales, 0);
    assert.ok(Math.abs(sums[0]!.s - expected) < 1e-6 * Math.abs(expected), 'values intact');
  });
});
